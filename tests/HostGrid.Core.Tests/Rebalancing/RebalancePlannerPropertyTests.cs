using HostGrid.Contracts.Rebalancing;
using HostGrid.Core.Rebalancing;
using static HostGrid.Core.Tests.Rebalancing.RebalanceFixtures;

namespace HostGrid.Core.Tests.Rebalancing;

/// <summary>Properties of the planner over seeded random clusters (hand-made generators; each seed is a case).</summary>
public sealed class RebalancePlannerPropertyTests
{
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 60; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plan_RandomCluster_KeepsEveryRuleAndNeverWorsens(int seed)
    {
        var random = new Random(seed);
        var snapshot = RandomCluster(seed, hosts: random.Next(2, 30), guestsPerHost: random.Next(1, 12), skew: 1 + (3 * random.NextDouble()));
        var options = new RebalancerOptions
        {
            Aggressiveness = random.Next(1, 6),
            MaxMovesPerPass = random.Next(1, 40),
            HeadroomFraction = random.NextDouble() * 0.3,
            CpuWeight = random.NextDouble(),
            MemoryWeight = random.NextDouble() + 0.01,
            VmCooldown = TimeSpan.FromMinutes(random.Next(0, 20)),
        };

        var plan = RebalancePlanner.Plan(snapshot, options);

        PlanChecker.AssertValid(snapshot, options, plan);
        Assert.True(plan.ImbalanceAfter <= plan.ImbalanceBefore);
        Assert.True(plan.ReachesTarget ? plan.WhyNoMoves is null || plan.Moves.Count == 0 : plan.WhyNoMoves is not null);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Plan_SkewedClusterWithRoom_ReachesTheTarget(int seed)
    {
        // Uniform hosts, small guests, all movable and out of cooldown, two thirds of the hosts empty: the target is reachable.
        var random = new Random(seed);
        var hosts = Enumerable.Range(0, random.Next(4, 40)).Select(h => Host($"hv-{h}", vcpus: 64, memoryMib: 262_144)).ToList();
        var guests = new List<RebalanceGuest>();
        for (var g = 0; g < hosts.Count * 8; g++)
        {
            var host = hosts[random.Next(hosts.Count / 3)];
            guests.Add(Guest($"vm-{g}", host.Id.Value, cpu: 1 + (2 * random.NextDouble()), memoryUsedMib: 1_024 + random.Next(8_192), vcpus: 4, memoryMib: 12_288));
        }

        var snapshot = new RebalanceSnapshot(hosts, guests, Now);
        var options = new RebalancerOptions { Aggressiveness = random.Next(1, 6), MaxMovesPerPass = guests.Count };

        var plan = RebalancePlanner.Plan(snapshot, options);

        Assert.True(plan.ImbalanceBefore > plan.TargetImbalance, $"seed {seed}: not skewed ({plan.ImbalanceBefore:F3})");
        Assert.True(plan.ReachesTarget, $"seed {seed}: {plan.ImbalanceBefore:F3} → {plan.ImbalanceAfter:F3} > {plan.TargetImbalance}: {plan.WhyNoMoves}");
        Assert.Null(plan.WhyNoMoves);
        PlanChecker.AssertValid(snapshot, options, plan);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Plan_RepeatedPasses_Terminate(int seed)
    {
        // Applying pass after pass (each guest's LastMovedAt set) ends: imbalance falls strictly with every move, so some pass is empty.
        var snapshot = RandomCluster(seed, hosts: 25, guestsPerHost: 10);
        var options = new RebalancerOptions { MaxMovesPerPass = 5, VmCooldown = TimeSpan.Zero };
        for (var pass = 0; pass < 200; pass++)
        {
            var plan = RebalancePlanner.Plan(snapshot, options);
            PlanChecker.AssertValid(snapshot, options, plan);
            if (plan.Moves.Count == 0)
            {
                return;
            }

            snapshot = Apply(snapshot, plan);
        }

        Assert.Fail("still moving after 200 passes of 5 moves");
    }

    internal static RebalanceSnapshot Apply(RebalanceSnapshot snapshot, RebalancePlan plan)
    {
        var to = plan.Moves.ToDictionary(m => m.VmId, m => m.To);
        var guests = snapshot.Guests
            .Select(g => to.TryGetValue(g.VmId, out var host) ? g with { Host = host, LastMovedAt = snapshot.Now } : g)
            .ToList();
        return snapshot with { Guests = guests };
    }
}
