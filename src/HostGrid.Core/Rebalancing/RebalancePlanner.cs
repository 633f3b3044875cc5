using HostGrid.Contracts.Rebalancing;
using System.Globalization;

namespace HostGrid.Core.Rebalancing;

/// <summary>
/// Plans migrations that lower the cluster's imbalance (<see cref="ImbalanceMetric"/>) with the least memory moved.
/// </summary>
/// <remarks>
/// Greedy by gain per cost: each step takes the move with the best drop of the total squared load deviation per MiB to
/// copy (see <see cref="MoveSearch"/>) among moves that keep every rule: the guest is migratable, out of its cooldown,
/// on a host that can give and not yet in the plan; the destination can take guests, has room for the guest's
/// reservation (capacity − allocated), keeps <see cref="RebalancerOptions.HeadroomFraction"/> of CPU and memory free by
/// measured demand, and holds no guest of its anti-affinity group. It stops when the imbalance is at or under the target,
/// at <see cref="RebalancerOptions.MaxMovesPerPass"/> moves, or when no move gains
/// <see cref="RebalancerOptions.MinImprovement"/>; so every move lowers the imbalance and a plan always ends.
/// </remarks>
public static class RebalancePlanner
{
    /// <summary>The plan for this snapshot. Pure: same input, same plan.</summary>
    public static RebalancePlan Plan(RebalanceSnapshot snapshot, RebalancerOptions options)
    {
        var cluster = ClusterLoad.Build(snapshot);
        var weights = Weights.From(options);
        var target = options.EffectiveTargetImbalance;
        var before = cluster.Imbalance(weights);
        if (cluster.TakerCount < 2)
        {
            return new RebalancePlan(before, before, target, [], $"fewer than two hosts can take guests ({cluster.TakerCount}): nothing to even out");
        }

        if (before <= target)
        {
            return new RebalancePlan(before, before, target, [], Invariant($"already balanced: imbalance {before:F3} is at or under the target {target:F3}"));
        }

        var search = new MoveSearch(cluster, snapshot.Now, options, weights);
        var moves = new List<RebalanceMove>();
        var minGain = options.EffectiveMinImprovement;
        var current = before;
        string? why = null;
        while (current > target)
        {
            if (moves.Count >= options.MaxMovesPerPass)
            {
                why = Invariant($"stopped at {options.MaxMovesPerPass} moves (MaxMovesPerPass); imbalance {current:F3} is still above the target {target:F3}, the next pass goes on");
                break;
            }

            if (search.Best(minGain) is not { } move)
            {
                why = search.MovableGuests == 0
                    ? Invariant($"no guest can move (each is pinned, moved within the cooldown of {options.VmCooldown.TotalMinutes:0.#} min, on a host that cannot give, or already in the plan); imbalance {current:F3} stays above the target {target:F3}")
                    : Invariant($"no move lowers the total squared load deviation by the minimum improvement {minGain:0.####} while keeping capacity, {options.HeadroomFraction:P0} headroom and anti-affinity; imbalance {current:F3} stays above the target {target:F3}");
                break;
            }

            var guest = cluster.Guests[move.Guest];
            var from = cluster.GuestHost[move.Guest];
            var loadsBefore = (Cpu(cluster, from), Memory(cluster, from), Cpu(cluster, move.To), Memory(cluster, move.To));
            search.Moved(move.Guest);
            cluster.Move(move.Guest, move.To);
            var after = cluster.Imbalance(weights);
            var explanation = Explain(cluster, weights, guest, from, move.To, loadsBefore, current, after);
            moves.Add(new RebalanceMove(guest.VmId, cluster.Hosts[from].Id, cluster.Hosts[move.To].Id, explanation, current, after, guest.Reserved.MemoryMib));
            current = after;
        }

        return new RebalancePlan(before, current, target, moves, why);
    }

    private static double Cpu(ClusterLoad cluster, int h) => cluster.CpuLoad(h);

    private static double Memory(ClusterLoad cluster, int h) => cluster.MemoryLoad(h);

    /// <summary>"hv-3 CPU 92% → 61%, hv-7 CPU 20% → 51%; imbalance 0.310 → 0.240", on the resource the guest weighs most in.</summary>
    private static string Explain(
        ClusterLoad cluster,
        Weights weights,
        RebalanceGuest guest,
        int from,
        int to,
        (double FromCpu, double FromMemory, double ToCpu, double ToMemory) before,
        double imbalanceBefore,
        double imbalanceAfter)
    {
        var capacity = cluster.Hosts[from].Capacity;
        var cpuShare = weights.Cpu * ClusterLoad.Load(guest.CpuDemand, capacity.Vcpus);
        var memoryShare = weights.Memory * ClusterLoad.Load(guest.MemoryUsedMib, capacity.MemoryMib);
        var cpu = cpuShare >= memoryShare;
        var resource = cpu ? "CPU" : "memory";
        var fromBefore = cpu ? before.FromCpu : before.FromMemory;
        var fromAfter = cpu ? cluster.CpuLoad(from) : cluster.MemoryLoad(from);
        var toBefore = cpu ? before.ToCpu : before.ToMemory;
        var toAfter = cpu ? cluster.CpuLoad(to) : cluster.MemoryLoad(to);
        var source = cluster.Hosts[from].CanTake ? cluster.Hosts[from].Id.ToString() : $"{cluster.Hosts[from].Id} (cannot take guests)";
        return Invariant($"{source} {resource} {fromBefore * 100:F0}% → {fromAfter * 100:F0}%, {cluster.Hosts[to].Id} {resource} {toBefore * 100:F0}% → {toAfter * 100:F0}%; imbalance {imbalanceBefore:F3} → {imbalanceAfter:F3}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
