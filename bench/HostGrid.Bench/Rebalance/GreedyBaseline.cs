using HostGrid.Contracts.Rebalancing;
using HostGrid.Contracts;
using HostGrid.Core.Rebalancing;

namespace HostGrid.Bench.Rebalance;

/// <summary>
/// The naive baseline: take the hottest host and the coldest (by weighted CPU and memory load) and move the hottest's
/// largest guest (by memory) that fits on the coldest and lowers the imbalance; stop when none does, at the target, or
/// at the move limit. It keeps the planner's rules (reservation, headroom, anti-affinity, pinned, cooldown), so the
/// two are compared on the same moves allowed.
/// </summary>
internal static class GreedyBaseline
{
    public static RebalancePlan Plan(RebalanceSnapshot snapshot, RebalancerOptions options)
    {
        var hosts = snapshot.Hosts.ToArray();
        var index = hosts.Select((h, i) => (h.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var guests = snapshot.Guests.ToArray();
        var where = guests.Select(g => index[g.Host]).ToArray();
        var cpu = new double[hosts.Length];
        var memory = new double[hosts.Length];
        var reserved = new ResourceAmounts[hosts.Length];
        var groups = new HashSet<(int, string)>();
        for (var g = 0; g < guests.Length; g++)
        {
            cpu[where[g]] += guests[g].CpuDemand;
            memory[where[g]] += guests[g].MemoryUsedMib;
            reserved[where[g]] += guests[g].Reserved;
            if (guests[g].AntiAffinityGroup is { } group)
            {
                groups.Add((where[g], group));
            }
        }

        var cpuWeight = options.CpuWeight / (options.CpuWeight + options.MemoryWeight);
        var memoryWeight = 1 - cpuWeight;
        var ceiling = 1 - options.HeadroomFraction;
        var target = options.EffectiveTargetImbalance;
        var moved = new bool[guests.Length];
        var moves = new List<RebalanceMove>();
        var imbalance = Imbalance();
        var before = imbalance;
        string? why = null;
        while (imbalance > target)
        {
            if (moves.Count >= options.MaxMovesPerPass)
            {
                why = "move limit";
                break;
            }

            var hottest = -1;
            var coldest = -1;
            for (var h = 0; h < hosts.Length; h++)
            {
                if (!hosts[h].CanTake)
                {
                    continue;
                }

                if (hottest < 0 || Combined(h) > Combined(hottest))
                {
                    hottest = h;
                }

                if (coldest < 0 || Combined(h) < Combined(coldest))
                {
                    coldest = h;
                }
            }

            var best = -1;
            var bestAfter = imbalance;
            var candidates = Enumerable.Range(0, guests.Length)
                .Where(g => where[g] == hottest && !moved[g] && Movable(guests[g]))
                .OrderByDescending(g => guests[g].Reserved.MemoryMib);
            foreach (var g in candidates)
            {
                var guest = guests[g];
                if (!Fits(guest, coldest))
                {
                    continue;
                }

                Shift(g, hottest, coldest);
                var after = Imbalance();
                Shift(g, coldest, hottest);
                if (after < imbalance)
                {
                    best = g;
                    bestAfter = after;
                    break;
                }
            }

            if (best < 0)
            {
                why = "no improving move of the hottest host's guests to the coldest host";
                break;
            }

            Shift(best, hottest, coldest);
            where[best] = coldest;
            moved[best] = true;
            if (guests[best].AntiAffinityGroup is { } movedGroup)
            {
                groups.Remove((hottest, movedGroup));
                groups.Add((coldest, movedGroup));
            }

            moves.Add(new RebalanceMove(guests[best].VmId, hosts[hottest].Id, hosts[coldest].Id, "greedy", imbalance, bestAfter, guests[best].Reserved.MemoryMib));
            imbalance = bestAfter;
        }

        return new RebalancePlan(before, imbalance, target, moves, why);

        double Combined(int h) => (cpuWeight * Load(cpu[h], hosts[h].Capacity.Vcpus)) + (memoryWeight * Load(memory[h], hosts[h].Capacity.MemoryMib));

        bool Movable(RebalanceGuest guest) =>
            guest.Migratable && !(guest.LastMovedAt is { } at && snapshot.Now - at < options.VmCooldown);

        bool Fits(RebalanceGuest guest, int to) =>
            (reserved[to] + guest.Reserved).FitsWithin(hosts[to].Capacity)
            && Load(cpu[to] + guest.CpuDemand, hosts[to].Capacity.Vcpus) <= ceiling
            && Load(memory[to] + guest.MemoryUsedMib, hosts[to].Capacity.MemoryMib) <= ceiling
            && !(guest.AntiAffinityGroup is { } group && groups.Contains((to, group)));

        void Shift(int g, int from, int to)
        {
            cpu[from] -= guests[g].CpuDemand;
            memory[from] -= guests[g].MemoryUsedMib;
            reserved[from] -= guests[g].Reserved;
            cpu[to] += guests[g].CpuDemand;
            memory[to] += guests[g].MemoryUsedMib;
            reserved[to] += guests[g].Reserved;
        }

        double Imbalance()
        {
            double c1 = 0, c2 = 0, m1 = 0, m2 = 0;
            var n = 0;
            for (var h = 0; h < hosts.Length; h++)
            {
                if (hosts[h].CanTake)
                {
                    var c = Load(cpu[h], hosts[h].Capacity.Vcpus);
                    var m = Load(memory[h], hosts[h].Capacity.MemoryMib);
                    (c1, c2, m1, m2, n) = (c1 + c, c2 + (c * c), m1 + m, m2 + (m * m), n + 1);
                }
            }

            return n == 0 ? 0 : Math.Sqrt(Math.Max(0, (cpuWeight * ((c2 / n) - ((c1 / n) * (c1 / n)))) + (memoryWeight * ((m2 / n) - ((m1 / n) * (m1 / n))))));
        }
    }

    private static double Load(double demand, double capacity) => capacity > 0 ? demand / capacity : 0;
}
