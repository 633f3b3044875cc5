namespace HostGrid.Contracts.Failover;

/// <summary>What failover did with one guest of a dead host.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.VmFailoverOutcome")]
public sealed record VmFailoverOutcome(
    [property: Id(0)] VmId VmId,
    [property: Id(1)] VmFailoverResult Result,
    [property: Id(2)] HostId? NewHost,
    [property: Id(3)] long Epoch,
    [property: Id(4)] string? Reason);
