namespace HostGrid.Contracts.Migration;

/// <summary>
/// What the source's data plane reports once the destination holds a verified copy: the guest is paused on the
/// source from <see cref="PausedAt"/> and the destination copy is ready to run. <see cref="HypervisorDowntime"/> is the
/// pause as a real hypervisor reports it (QEMU's <c>downtime</c>), beside HostGrid's own measure.
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
    [property: Id(8)] TimeSpan? HypervisorDowntime = null);
