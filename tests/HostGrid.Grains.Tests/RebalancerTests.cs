using HostGrid.Contracts.Operations;
using HostGrid.Contracts.Rebalancing;
using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Grains.Tests;

/// <summary>
/// The rebalancer on three in-process silos: all load starts on hv-1; a dry run explains moves and changes nothing, and
/// applying the plan migrates guests off hv-1 (never the pinned one) and lowers the imbalance the heartbeats measure.
/// </summary>
public sealed class RebalancerTests : IClassFixture<SimulatedClusterFixture>
{
    private static readonly string[] Busy = ["rb-1", "rb-2", "rb-3", "rb-4", "rb-5"];
    private readonly SimulatedClusterFixture _cluster;

    public RebalancerTests(SimulatedClusterFixture cluster) => _cluster = cluster;

    private IRebalancerGrain Rebalancer => _cluster.Client.GetGrain<IRebalancerGrain>(IRebalancerGrain.Key);

    [Fact]
    public async Task PlanThenApply_SkewedCluster_MovesExplainedGuestsOffTheHotHostAndLowersImbalance()
    {
        foreach (var id in Busy)
        {
            await CreateAsync(id, pinned: false);
        }

        await CreateAsync("rb-pinned", pinned: true);
        // The load model is what heartbeats report: wait until hv-1's carries every guest.
        await Eventually.Async(
            async () => (await _cluster.Client.GetGrain<IHostGrain>("hv-1").GetGuestLoadsAsync()).Count(g => g.Running && g.CpuDemand > 0) >= Busy.Length + 1,
            TimeSpan.FromSeconds(15),
            "hv-1's heartbeat to report its guests' load");

        var plan = await Rebalancer.PlanAsync();

        Assert.True(plan.ImbalanceBefore > plan.TargetImbalance, $"the skew is above target ({plan.ImbalanceBefore:F3} vs {plan.TargetImbalance:F3})");
        Assert.NotEmpty(plan.Moves);
        Assert.True(plan.ImbalanceAfter < plan.ImbalanceBefore);
        Assert.All(plan.Moves, m =>
        {
            Assert.Equal("hv-1", m.From.Value);
            Assert.NotEqual("rb-pinned", m.VmId.Value);
            Assert.False(string.IsNullOrWhiteSpace(m.Why));
            Assert.True(m.ImbalanceAfter < m.ImbalanceBefore, $"each move improves: {m.Why}");
        });
        foreach (var id in Busy)
        {
            Assert.Equal("hv-1", (await Vm(id).GetAsync()).Host!.Value.Value); // a dry run changes nothing
        }

        var started = await Rebalancer.ApplyAsync();
        var done = await Eventually.Async(
            () => _cluster.Client.GetGrain<IOperationGrain>(started.OperationId).GetAsync(),
            o => o.IsFinished,
            TimeSpan.FromSeconds(60),
            "the rebalance pass to finish");

        Assert.Equal(OperationKind.Rebalance, done.Kind);
        Assert.Equal(OperationState.Succeeded, done.State);
        Assert.True(done.Rebalance!.Moved >= 1);
        Assert.Equal(done.Rebalance.Moved, done.Rebalance.Migrations.Count);
        var moved = 0;
        foreach (var id in Busy)
        {
            var vm = await Vm(id).GetAsync();
            Assert.Equal(VmState.Running, vm.State);
            moved += vm.Host!.Value.Value == "hv-1" ? 0 : 1;
        }

        Assert.Equal(done.Rebalance.Moved, moved);
        Assert.Equal("hv-1", (await Vm("rb-pinned").GetAsync()).Host!.Value.Value);
        var status = await Eventually.Async(
            () => Rebalancer.GetStatusAsync(),
            s => s.Imbalance < plan.ImbalanceBefore,
            TimeSpan.FromSeconds(15),
            "the measured imbalance to drop after the moves");
        Assert.Null(status.ActiveOperationId);
    }

    [Fact]
    public async Task SetMode_Off_IsPersistedAndShown()
    {
        var status = await Rebalancer.SetModeAsync(RebalanceMode.Off);
        Assert.Equal(RebalanceMode.Off, status.Mode);
        Assert.Equal(RebalanceMode.Off, (await Rebalancer.GetStatusAsync()).Mode);

        status = await Rebalancer.SetModeAsync(RebalanceMode.Recommend);
        Assert.Equal(RebalanceMode.Recommend, status.Mode);
    }

    private IVmGrain Vm(string id) => _cluster.Client.GetGrain<IVmGrain>(id);

    private Task<VmSnapshot> CreateAsync(string id, bool pinned) =>
        Vm(id).CreateAsync(new CreateVmCommand(Specs.Sized(2, 4096) with
        {
            TargetHost = new HostId("hv-1"),
            Pinned = pinned,
            Labels = new Dictionary<string, string> { [WorkloadProfiles.Label] = "steady", [SimulatedHypervisorOptions.DirtyRateLabel] = "0" },
        }));
}
