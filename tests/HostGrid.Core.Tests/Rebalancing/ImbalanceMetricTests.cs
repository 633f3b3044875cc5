using HostGrid.Core.Rebalancing;
using static HostGrid.Core.Tests.Rebalancing.RebalanceFixtures;

namespace HostGrid.Core.Tests.Rebalancing;

public sealed class ImbalanceMetricTests
{
    [Fact]
    public void HostLoads_DemandOverCapacity_PerResource()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10, memoryMib: 10_000)],
            [Guest("x", "a", cpu: 2.5, memoryUsedMib: 1_000), Guest("y", "a", cpu: 1.5, memoryUsedMib: 3_000)],
            Now);

        var load = ImbalanceMetric.HostLoads(snapshot)[new HostId("a")];

        Assert.Equal(0.4, load.CpuFraction, 12);
        Assert.Equal(0.4, load.MemoryFraction, 12);
        Assert.Equal(2, load.RunningVms);
    }

    [Fact]
    public void Imbalance_EvenHosts_IsZero()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 20)],
            [Guest("x", "a", cpu: 5, memoryUsedMib: 1_000), Guest("y", "b", cpu: 10, memoryUsedMib: 1_000)],
            Now);

        Assert.Equal(0, ImbalanceMetric.Imbalance(snapshot, new RebalancerOptions()), 12);
    }

    [Fact]
    public void Imbalance_CpuEightyAndTwenty_IsWeightedStandardDeviation()
    {
        // CPU loads 0.8 and 0.2: σ_cpu = 0.3; memory even: σ_mem = 0. Equal weights: √(0.5 × 0.09) ≈ 0.2121.
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10)],
            [Guest("x", "a", cpu: 8), Guest("y", "b", cpu: 2)],
            Now);

        Assert.Equal(Math.Sqrt(0.5 * 0.09), ImbalanceMetric.Imbalance(snapshot, new RebalancerOptions()), 12);
        Assert.Equal(0.3, ImbalanceMetric.Imbalance(snapshot, CpuOnly()), 12);
        Assert.Equal(0, ImbalanceMetric.Imbalance(snapshot, new RebalancerOptions { CpuWeight = 0, MemoryWeight = 1 }), 12);
    }

    [Fact]
    public void Imbalance_HostsThatCannotTakeGuests_AreLeftOut()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10), Host("maint", vcpus: 10, canTake: false)],
            [Guest("x", "a", cpu: 5), Guest("y", "b", cpu: 5), Guest("z", "maint", cpu: 10)],
            Now);

        Assert.Equal(0, ImbalanceMetric.Imbalance(snapshot, CpuOnly()), 12);
    }

    [Fact]
    public void Imbalance_OfHostLoads_MatchesTheSnapshotForm()
    {
        var snapshot = RandomCluster(seed: 3, hosts: 12, guestsPerHost: 6, withUnavailable: false);
        var options = new RebalancerOptions { CpuWeight = 0.7, MemoryWeight = 0.3 };

        var fromLoads = ImbalanceMetric.Imbalance(ImbalanceMetric.HostLoads(snapshot).Values, 0.7, 0.3);

        Assert.Equal(ImbalanceMetric.Imbalance(snapshot, options), fromLoads, 12);
        Assert.Equal(PlanChecker.Imbalance(snapshot, options), fromLoads, 12);
    }

    [Fact]
    public void LowerBound_AllLoadMovable_IsZeroEvenForMixedCapacities()
    {
        var snapshot = new RebalanceSnapshot(
            [Host("small", vcpus: 10), Host("big", vcpus: 30)],
            [Guest("x", "small", cpu: 9), Guest("y", "small", cpu: 1), Guest("z", "big", cpu: 2)],
            Now);

        Assert.Equal(0, ImbalanceMetric.LowerBound(snapshot, CpuOnly()), 6);
    }

    [Fact]
    public void LowerBound_PinnedLoad_StaysWhereItIs()
    {
        // a holds 8 pinned vCPUs of 10; 2 movable vCPUs can at best all go to b: loads 0.8 and 0.2, σ = 0.3.
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10)],
            [Guest("pinned", "a", cpu: 8, migratable: false), Guest("free", "a", cpu: 2)],
            Now);

        Assert.Equal(0.3, ImbalanceMetric.LowerBound(snapshot, CpuOnly()), 6);
    }

    [Fact]
    public void LowerBound_PinnedLoadOnOneOfThree_SpreadsTheRestEvenly()
    {
        // a is pinned at 0.9; 3 movable vCPUs spread over b and c at 0.15 each (best: a at 0.9, b = c = 0.15).
        var snapshot = new RebalanceSnapshot(
            [Host("a", vcpus: 10), Host("b", vcpus: 10), Host("c", vcpus: 10)],
            [Guest("pinned", "a", cpu: 9, migratable: false), Guest("m1", "b", cpu: 3)],
            Now);

        var loads = new[] { 0.9, 0.15, 0.15 };
        var mean = loads.Average();
        var expected = Math.Sqrt(loads.Average(l => (l - mean) * (l - mean)));

        Assert.Equal(expected, ImbalanceMetric.LowerBound(snapshot, CpuOnly()), 6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LowerBound_NeverAbovePlannerResult(int seed)
    {
        var snapshot = RandomCluster(seed, hosts: 20, guestsPerHost: 8);
        var options = new RebalancerOptions { MaxMovesPerPass = 500, TargetImbalance = 0, MinImprovement = 1e-6 };

        var plan = RebalancePlanner.Plan(snapshot, options);

        Assert.True(ImbalanceMetric.LowerBound(snapshot, options) <= plan.ImbalanceAfter + 1e-9);
    }
}
