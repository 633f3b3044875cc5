namespace HostGrid.Contracts.Rebalancing;

/// <summary>
/// The rebalancer as an operator sees it: its mode and aggressiveness, the cluster's imbalance now against the target,
/// the pass running (if any), and in <see cref="RebalanceMode.Recommend"/> mode the last plan it recommends.
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.RebalancerStatus")]
public sealed record RebalancerStatus(
    [property: Id(0)] RebalanceMode Mode,
    [property: Id(1)] int Aggressiveness,
    [property: Id(2)] double Imbalance,
    [property: Id(3)] double TargetImbalance,
    [property: Id(4)] string? ActiveOperationId,
    [property: Id(5)] DateTimeOffset? LastPassAt,
    [property: Id(6)] DateTimeOffset? ImbalanceAboveSince,
    [property: Id(7)] RebalancePlan? Recommendation,
    [property: Id(8)] DateTimeOffset? RecommendedAt);
