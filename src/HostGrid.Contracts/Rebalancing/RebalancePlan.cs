namespace HostGrid.Contracts.Rebalancing;

/// <summary>
/// Moves to run in order (each assumes the ones before it are done), the imbalance before the first and after the last,
/// and, when the plan stops short of the target, why.
/// </summary>
/// <param name="ImbalanceBefore">Cluster imbalance of the snapshot.</param>
/// <param name="ImbalanceAfter">Cluster imbalance once every move is done.</param>
/// <param name="TargetImbalance">The target in force.</param>
/// <param name="Moves">The moves, in order.</param>
/// <param name="WhyNoMoves">
/// Why the plan stopped above the target (no move improves enough, move limit reached, ...); null when it reaches the
/// target, including when the cluster was already balanced and there are no moves.
/// </param>
[GenerateSerializer, Immutable, Alias("hostgrid.RebalancePlan")]
public sealed record RebalancePlan(
    [property: Id(0)] double ImbalanceBefore,
    [property: Id(1)] double ImbalanceAfter,
    [property: Id(2)] double TargetImbalance,
    [property: Id(3)] IReadOnlyList<RebalanceMove> Moves,
    [property: Id(4)] string? WhyNoMoves)
{
    /// <summary>Memory all the moves copy, in MiB.</summary>
    public long MemoryMibMoved => Moves.Sum(m => m.MemoryMib);

    /// <summary>Whether the cluster ends at or under the target.</summary>
    public bool ReachesTarget => ImbalanceAfter <= TargetImbalance;
}
