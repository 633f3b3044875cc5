namespace HostGrid.Contracts.Rebalancing;

/// <summary>How far a rebalance pass is: its plan, the moves done and failed, the migrations it ran, and the imbalance now.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.RebalanceProgress")]
public sealed record RebalanceProgress(
    [property: Id(0)] RebalancePlan Plan,
    [property: Id(1)] int Moved,
    [property: Id(2)] int Failed,
    [property: Id(3)] IReadOnlyList<string> Migrations,
    [property: Id(4)] double? ImbalanceNow);
