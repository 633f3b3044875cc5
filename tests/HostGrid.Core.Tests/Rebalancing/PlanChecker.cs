using HostGrid.Contracts.Rebalancing;
using HostGrid.Core.Rebalancing;

namespace HostGrid.Core.Tests.Rebalancing;

/// <summary>
/// Replays a plan over its snapshot and checks every rule at every step, with its own arithmetic (not the planner's).
/// </summary>
internal static class PlanChecker
{
    public static void AssertValid(RebalanceSnapshot snapshot, RebalancerOptions options, RebalancePlan plan)
    {
        var hosts = snapshot.Hosts.ToDictionary(h => h.Id);
        var guests = snapshot.Guests.ToDictionary(g => g.VmId);
        var where = snapshot.Guests.ToDictionary(g => g.VmId, g => g.Host);
        var moved = new HashSet<VmId>();
        Assert.True(plan.Moves.Count <= options.MaxMovesPerPass, $"{plan.Moves.Count} moves > MaxMovesPerPass {options.MaxMovesPerPass}");
        Assert.Equal(Imbalance(snapshot, options, where), plan.ImbalanceBefore, 9);
        var previous = plan.ImbalanceBefore;
        foreach (var move in plan.Moves)
        {
            var guest = guests[move.VmId];
            var to = hosts[move.To];
            Assert.True(moved.Add(move.VmId), $"{move.VmId} moved twice in one plan");
            Assert.Equal(where[move.VmId], move.From);
            Assert.NotEqual(move.From, move.To);
            Assert.True(guest.Migratable, $"{move.VmId} is pinned");
            Assert.True(hosts[move.From].CanGive, $"{move.From} cannot give guests");
            Assert.True(to.CanTake, $"{move.To} cannot take guests");
            Assert.False(guest.LastMovedAt is { } at && snapshot.Now - at < options.VmCooldown, $"{move.VmId} is in its cooldown");
            Assert.Equal(guest.Reserved.MemoryMib, move.MemoryMib);

            var others = snapshot.Guests.Where(g => where[g.VmId] == move.To).ToList();
            var reserved = others.Aggregate(ResourceAmounts.Zero, (sum, g) => sum + g.Reserved) + guest.Reserved;
            Assert.True(reserved.FitsWithin(to.Capacity), $"{move.VmId} does not fit on {move.To}: {reserved} > {to.Capacity}");
            var ceiling = 1 - options.HeadroomFraction;
            Assert.True((others.Sum(g => g.CpuDemand) + guest.CpuDemand) / to.Capacity.Vcpus <= ceiling + 1e-12, $"{move.To} CPU headroom");
            Assert.True((others.Sum(g => (double)g.MemoryUsedMib) + guest.MemoryUsedMib) / to.Capacity.MemoryMib <= ceiling + 1e-12, $"{move.To} memory headroom");
            Assert.False(guest.AntiAffinityGroup is { } group && others.Any(g => g.AntiAffinityGroup == group), $"{move.VmId} joins its group on {move.To}");

            where[move.VmId] = move.To;
            var after = Imbalance(snapshot, options, where);
            Assert.Equal(previous, move.ImbalanceBefore, 9);
            Assert.Equal(after, move.ImbalanceAfter, 9);
            Assert.True(after < previous, $"{move.VmId}: imbalance {previous} → {after} does not improve");
            var gain = Takers(snapshot) * ((previous * previous) - (after * after));
            Assert.True(gain >= options.EffectiveMinImprovement - 1e-9, $"{move.VmId}: gain {gain} under the minimum improvement");
            previous = after;
        }

        Assert.Equal(previous, plan.ImbalanceAfter, 9);
    }

    /// <summary>The documented formula, computed directly: √(ŵc σ²cpu + ŵm σ²mem) over the hosts that can take guests.</summary>
    public static double Imbalance(RebalanceSnapshot snapshot, RebalancerOptions options, IReadOnlyDictionary<VmId, HostId>? where = null)
    {
        var takers = snapshot.Hosts.Where(h => h.CanTake).ToList();
        if (takers.Count == 0)
        {
            return 0;
        }

        var cpu = takers.Select(h => snapshot.Guests.Where(g => (where?[g.VmId] ?? g.Host) == h.Id).Sum(g => g.CpuDemand) / h.Capacity.Vcpus).ToList();
        var memory = takers.Select(h => snapshot.Guests.Where(g => (where?[g.VmId] ?? g.Host) == h.Id).Sum(g => (double)g.MemoryUsedMib) / h.Capacity.MemoryMib).ToList();
        var wc = options.CpuWeight / (options.CpuWeight + options.MemoryWeight);
        return Math.Sqrt((wc * Variance(cpu)) + ((1 - wc) * Variance(memory)));
    }

    private static int Takers(RebalanceSnapshot snapshot) => snapshot.Hosts.Count(h => h.CanTake);

    private static double Variance(List<double> values)
    {
        var mean = values.Average();
        return values.Average(v => (v - mean) * (v - mean));
    }
}
