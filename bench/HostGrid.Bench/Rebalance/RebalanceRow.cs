using System.Text.Json.Nodes;

namespace HostGrid.Bench.Rebalance;

/// <summary>One cluster size: the planner's plan next to the greedy baseline's and the divisible-load lower bound.</summary>
internal sealed record RebalanceRow(
    int Hosts,
    int Vms,
    double PlanMs,
    double PlanCpuMs,
    double ImbalanceBefore,
    double ImbalanceAfter,
    int Moves,
    double GibMoved,
    bool Reached,
    double GreedyMs,
    double GreedyImbalanceAfter,
    int GreedyMoves,
    double GreedyGibMoved,
    bool GreedyReached,
    double LowerBound)
{
    public JsonObject ToJson() => new()
    {
        ["hosts"] = Hosts,
        ["vms"] = Vms,
        ["plan_ms"] = Math.Round(PlanMs, 1),
        ["plan_cpu_ms"] = Math.Round(PlanCpuMs, 1),
        ["imbalance_before"] = Math.Round(ImbalanceBefore, 4),
        ["imbalance_after"] = Math.Round(ImbalanceAfter, 4),
        ["moves"] = Moves,
        ["gib_moved"] = Math.Round(GibMoved, 1),
        ["reached"] = Reached,
        ["greedy_ms"] = Math.Round(GreedyMs, 1),
        ["greedy_imbalance_after"] = Math.Round(GreedyImbalanceAfter, 4),
        ["greedy_moves"] = GreedyMoves,
        ["greedy_gib_moved"] = Math.Round(GreedyGibMoved, 1),
        ["greedy_reached"] = GreedyReached,
        ["lower_bound"] = Math.Round(LowerBound, 4),
    };
}
