using HostGrid.Contracts.Migration;

namespace HostGrid.Contracts.Operations;

/// <summary>
/// A read of one long-running operation. A migration fills <see cref="VmId"/>, the hosts, <see cref="Phase"/>,
/// <see cref="Progress"/> and, once switched over, <see cref="Downtime"/>; a drain fills <see cref="SourceHost"/>
/// (the host drained) and <see cref="Drain"/>; a rebalance fills <see cref="Rebalance"/>. <see cref="HypervisorDowntime"/> is the
/// pause as a real hypervisor reports it (QEMU), beside HostGrid's own <see cref="Downtime"/>; <see cref="PostCopy"/> says a
/// migration finished in post-copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.OperationSnapshot")]
public sealed record OperationSnapshot(
    [property: Id(0)] string OperationId,
    [property: Id(1)] OperationKind Kind,
    [property: Id(2)] OperationState State,
    [property: Id(3)] VmId? VmId,
    [property: Id(4)] HostId? SourceHost,
    [property: Id(5)] HostId? TargetHost,
    [property: Id(6)] MigrationPhase Phase,
    [property: Id(7)] MigrationProgress? Progress,
    [property: Id(8)] TimeSpan? Downtime,
    [property: Id(9)] string? Message,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] DateTimeOffset? CompletedAt,
    [property: Id(13)] DrainProgress? Drain,
    [property: Id(14)] bool CancelRequested,
    [property: Id(15)] Rebalancing.RebalanceProgress? Rebalance = null,
    [property: Id(16)] TimeSpan? HypervisorDowntime = null,
    [property: Id(17)] bool PostCopy = false)
{
    public bool IsFinished => State != OperationState.Running;
}
