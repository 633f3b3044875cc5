namespace HostGrid.Contracts.Failover;

/// <summary>One host's failover as it stands.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.FailoverSnapshot")]
public sealed record FailoverSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] HostId Host,
    [property: Id(2)] FailureCause Cause,
    [property: Id(3)] FailoverPhase Phase,
    [property: Id(4)] DateTimeOffset LastHeartbeat,
    [property: Id(5)] DateTimeOffset DeclaredAt,
    [property: Id(6)] DateTimeOffset FenceAt,
    [property: Id(7)] DateTimeOffset? CompletedAt,
    [property: Id(8)] IReadOnlyList<VmFailoverOutcome> Outcomes);
