namespace HostGrid.Contracts.Migration;

/// <summary>
/// What the source's data plane reports once it has sent the guest: the guest is paused on the source from
/// <see cref="PausedAt"/> and the destination copy is ready to run. <see cref="HypervisorDowntime"/> is the pause as a
/// real hypervisor reports it (QEMU's <c>downtime</c>), beside HostGrid's own measure. With <see cref="PostCopy"/> from
/// <c>MigrateOut</c> the pre-copy did not converge and the guest still runs on the source (no pause yet): the move commits,
/// then <c>StartPostCopy</c> pauses it and returns the switch-over's figures (<see cref="PostCopy"/> set again).
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.MigrationResult")]
public sealed record MigrationResult(
    [property: Id(0)] int Rounds,
    [property: Id(1)] long BytesSent,
    [property: Id(2)] long PagesSent,
    [property: Id(3)] double BandwidthBytesPerSecond,
    [property: Id(4)] int ThrottlePercent,
    [property: Id(5)] TimeSpan PreCopyDuration,
    [property: Id(6)] TimeSpan SwitchOverDuration,
    [property: Id(7)] DateTimeOffset PausedAt,
    [property: Id(8)] TimeSpan? HypervisorDowntime = null,
    [property: Id(9)] bool PostCopy = false);
