namespace HostGrid.Contracts.Rebalancing;

/// <summary>One migration of a plan, explained.</summary>
/// <param name="VmId">The guest to move.</param>
/// <param name="From">Its host now.</param>
/// <param name="To">Its destination.</param>
/// <param name="Why">One sentence for operators: the two hosts' loads and the cluster's imbalance, before and after.</param>
/// <param name="ImbalanceBefore">Cluster imbalance before this move (after the plan's earlier moves).</param>
/// <param name="ImbalanceAfter">Cluster imbalance after it.</param>
/// <param name="MemoryMib">Memory the migration copies (the guest's reservation).</param>
[GenerateSerializer, Immutable, Alias("hostgrid.RebalanceMove")]
public sealed record RebalanceMove(
    [property: Id(0)] VmId VmId,
    [property: Id(1)] HostId From,
    [property: Id(2)] HostId To,
    [property: Id(3)] string Why,
    [property: Id(4)] double ImbalanceBefore,
    [property: Id(5)] double ImbalanceAfter,
    [property: Id(6)] long MemoryMib);
