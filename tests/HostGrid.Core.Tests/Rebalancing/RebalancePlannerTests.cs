using HostGrid.Core.Rebalancing;
using static HostGrid.Core.Tests.Rebalancing.RebalanceFixtures;

namespace HostGrid.Core.Tests.Rebalancing;

public sealed class RebalancePlannerTests
{
    [Fact]
    public void Plan_BalancedCluster_NoMovesAndSaysSo()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10)],
            [Guest("x", "a", cpu: 5), Guest("y", "b", cpu: 5)],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly());

        Assert.Empty(plan.Moves);
        Assert.True(plan.ReachesTarget);
        Assert.StartsWith("already balanced: imbalance 0.000 is at or under the target 0.100", plan.WhyNoMoves, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_HotAndColdHost_MovesFromHotToColdAndExplains()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("hv-3", vcpus: 10), Host("hv-7", vcpus: 10)],
            [Guest("a", "hv-3", cpu: 3), Guest("b", "hv-3", cpu: 3), Guest("c", "hv-3", cpu: 3), Guest("d", "hv-7", cpu: 1)],
            Now);

        var options = CpuOnly(o => o.TargetImbalance = 0.15);

        var plan = RebalancePlanner.Plan(snapshot, options);

        var move = Assert.Single(plan.Moves);
        Assert.Equal(new HostId("hv-3"), move.From);
        Assert.Equal(new HostId("hv-7"), move.To);
        Assert.Equal("hv-3 CPU 90% → 60%, hv-7 CPU 10% → 40%; imbalance 0.400 → 0.100", move.Why);
        Assert.Equal(0.4, plan.ImbalanceBefore, 9);
        Assert.Equal(0.1, plan.ImbalanceAfter, 9);
        Assert.Null(plan.WhyNoMoves);
        PlanChecker.AssertValid(snapshot, options, plan);
    }

    [Fact]
    public void Plan_EqualGain_MovesTheGuestWithLessMemory()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10)],
            [Guest("big", "a", cpu: 4, memoryMib: 32_768), Guest("small", "a", cpu: 4, memoryMib: 2_048)],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly());

        Assert.Equal(new VmId("small"), Assert.Single(plan.Moves).VmId);
        Assert.Equal(2_048, plan.MemoryMibMoved);
    }

    [Fact]
    public void Plan_PinnedGuests_NeverMove()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10)],
            [Guest("x", "a", cpu: 4, migratable: false), Guest("y", "a", cpu: 4, migratable: false)],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly());

        Assert.Empty(plan.Moves);
        Assert.StartsWith("no guest can move", plan.WhyNoMoves, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_GuestInCooldown_StaysAndAnotherMoves()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10)],
            [
                Guest("recent", "a", cpu: 4, memoryMib: 1_024, lastMoved: Now - TimeSpan.FromMinutes(9)),
                Guest("old", "a", cpu: 4, memoryMib: 8_192, lastMoved: Now - TimeSpan.FromMinutes(11)),
            ],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly());

        Assert.Equal(new VmId("old"), Assert.Single(plan.Moves).VmId);
    }

    [Fact]
    public void Plan_MaintenanceAndDownHosts_AreNeverDestinations()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("hot", vcpus: 10), Host("warm", vcpus: 10), Host("maint", vcpus: 10, canTake: false), Host("down", vcpus: 10, canTake: false, canGive: false)],
            [Guest("a", "hot", cpu: 4), Guest("b", "hot", cpu: 4), Guest("c", "warm", cpu: 1)],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly());

        Assert.NotEmpty(plan.Moves);
        Assert.All(plan.Moves, m => Assert.Equal(new HostId("warm"), m.To));
    }

    [Fact]
    public void Plan_GuestsOfADownHost_StayPut()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10), Host("down", vcpus: 10, canTake: false, canGive: false)],
            [Guest("x", "a", cpu: 8), Guest("z", "down", cpu: 1)],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly());

        Assert.DoesNotContain(plan.Moves, m => m.From == new HostId("down"));
    }

    [Fact]
    public void Plan_AntiAffinity_NeverPutsTwoOfAGroupTogether()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10), Host("c", vcpus: 10)],
            [Guest("db-1", "a", cpu: 4, group: "db"), Guest("x", "a", cpu: 4), Guest("db-2", "b", cpu: 1, group: "db"), Guest("y", "c", cpu: 4)],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly(o => o.TargetImbalance = 0.01));

        Assert.DoesNotContain(plan.Moves, m => m.VmId == new VmId("db-1") && m.To == new HostId("b"));
        PlanChecker.AssertValid(snapshot, CpuOnly(o => o.TargetImbalance = 0.01), plan);
    }

    [Fact]
    public void Plan_DestinationWithoutFreeReservation_IsSkipped()
    {
        // b is idle by measure but fully reserved: nothing fits there.
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 16), Host("b", vcpus: 16)],
            [Guest("x", "a", cpu: 6, vcpus: 4), Guest("y", "a", cpu: 6, vcpus: 4), Guest("idle", "b", cpu: 0, vcpus: 16)],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly());

        Assert.Empty(plan.Moves);
        Assert.StartsWith("no move lowers", plan.WhyNoMoves, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AllocatedFromTheHostRecord_CountsIncomingReservations()
    {
        var busy = Host("b", vcpus: 16) with { Allocated = new ResourceAmounts(14, 0, 0) };
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 16), busy],
            [Guest("x", "a", cpu: 6, vcpus: 4), Guest("y", "a", cpu: 6, vcpus: 4)],
            Now);

        Assert.Empty(RebalancePlanner.Plan(snapshot, CpuOnly()).Moves);
    }

    [Fact]
    public void Plan_Headroom_KeepsDestinationUnderTheCeiling()
    {
        // Moving the 5-vCPU guest to b would put b at 90% CPU, over the 80% ceiling of 20% headroom.
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10)],
            [Guest("x", "a", cpu: 5), Guest("y", "a", cpu: 4.9), Guest("z", "b", cpu: 4)],
            Now);
        var options = CpuOnly(o => { o.HeadroomFraction = 0.2; o.TargetImbalance = 0.01; });

        var plan = RebalancePlanner.Plan(snapshot, options);

        Assert.Empty(plan.Moves);
        PlanChecker.AssertValid(snapshot, options, plan);
    }

    [Fact]
    public void Plan_MoreWorkThanTheLimit_StopsAtMaxMovesAndSaysSo()
    {
        var guests = Enumerable.Range(0, 20).Select(i => Guest($"g{i}", "a", cpu: 1.5, vcpus: 1)).ToList();
        var snapshot = new RebalanceSnapshot([Host("a", vcpus: 32), Host("b", vcpus: 32), Host("c", vcpus: 32)], guests, Now);
        var options = CpuOnly(o => o.MaxMovesPerPass = 3);

        var plan = RebalancePlanner.Plan(snapshot, options);

        Assert.Equal(3, plan.Moves.Count);
        Assert.StartsWith("stopped at 3 moves (MaxMovesPerPass)", plan.WhyNoMoves, StringComparison.Ordinal);
        PlanChecker.AssertValid(snapshot, options, plan);
    }

    [Fact]
    public void Plan_MaintenanceHostGuests_MayMoveToColdHosts()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10), Host("maint", vcpus: 10, canTake: false)],
            [Guest("x", "a", cpu: 6), Guest("m", "maint", cpu: 5)],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly());

        var move = Assert.Single(plan.Moves);
        Assert.Equal(new HostId("maint"), move.From);
        Assert.Equal(new HostId("b"), move.To);
        Assert.Contains("maint (cannot take guests) CPU", move.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_FewerThanTwoTakers_NothingToEvenOut()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("maint", vcpus: 10, canTake: false)],
            [Guest("x", "a", cpu: 9)],
            Now);

        var plan = RebalancePlanner.Plan(snapshot, CpuOnly());

        Assert.Empty(plan.Moves);
        Assert.StartsWith("fewer than two hosts can take guests", plan.WhyNoMoves, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SameSnapshot_SamePlan()
    {
        var snapshot = RandomCluster(seed: 11, hosts: 40, guestsPerHost: 10);
        var options = new RebalancerOptions { MaxMovesPerPass = 50 };

        Assert.Equal(RebalancePlanner.Plan(snapshot, options).Moves, RebalancePlanner.Plan(snapshot, options).Moves);
    }

    [Fact]
    public void Plan_ThousandHostsTwentyGuestsEach_PlansWellWithinSeconds()
    {
        var snapshot = RandomCluster(seed: 5, hosts: 1_000, guestsPerHost: 20, withUnavailable: false);
        var options = new RebalancerOptions { MaxMovesPerPass = 2_000 };
        RebalancePlanner.Plan(RandomCluster(seed: 6, hosts: 50, guestsPerHost: 20), options); // JIT

        var started = TimeProvider.System.GetTimestamp();
        var plan = RebalancePlanner.Plan(snapshot, options);
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        // The target is 1 s on an idle 2-core machine (see the rebalance benchmark); tests share the machine, so 5 s here.
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"planning took {elapsed.TotalMilliseconds:F0} ms for {plan.Moves.Count} moves");
        Assert.True(plan.ImbalanceAfter < plan.ImbalanceBefore);
    }
}
