namespace HostGrid.Core.Rebalancing;

/// <summary>One migration of a plan, explained.</summary>
/// <param name="VmId">The guest to move.</param>
/// <param name="From">Its host now.</param>
/// <param name="To">Its destination.</param>
/// <param name="Why">One sentence for operators: the two hosts' loads and the cluster's imbalance, before and after.</param>
/// <param name="ImbalanceBefore">Cluster imbalance before this move (after the plan's earlier moves).</param>
/// <param name="ImbalanceAfter">Cluster imbalance after it.</param>
/// <param name="MemoryMib">Memory the migration copies (the guest's reservation).</param>
public sealed record RebalanceMove(
    VmId VmId,
    HostId From,
    HostId To,
    string Why,
    double ImbalanceBefore,
    double ImbalanceAfter,
    long MemoryMib);
