using HostGrid.Contracts.Failover;
using HostGrid.Hypervisor;

namespace HostGrid.Grains.Tests;

public sealed class FailoverTests : IClassFixture<SimulatedClusterFixture>
{
    private readonly SimulatedClusterFixture _cluster;

    public FailoverTests(SimulatedClusterFixture cluster) => _cluster = cluster;

    [Fact]
    public async Task AgentSiloKilled_GuestsRestartOnSurvivorsByPriority_DisabledOneLeftFailed()
    {
        var specs = new Dictionary<string, VmSpec>
        {
            ["fo-high"] = Specs.Small(target: "hv-2") with { RestartPriority = RestartPriority.High },
            ["fo-medium"] = Specs.Small(target: "hv-2"),
            ["fo-low"] = Specs.Small(target: "hv-2") with { RestartPriority = RestartPriority.Low },
            ["fo-off"] = Specs.Small(target: "hv-2") with { RestartPriority = RestartPriority.Disabled },
        };
        var before = new Dictionary<string, VmSnapshot>();
        foreach (var (id, spec) in specs)
        {
            before[id] = await _cluster.Client.GetGrain<IVmGrain>(id).CreateAsync(new CreateVmCommand(spec));
        }

        var silo = _cluster.Cluster.Silos.Single(s => ((LocalHypervisors)s.ServiceProvider.GetService(typeof(LocalHypervisors))!).TryGet(new HostId("hv-2"), out _));
        await _cluster.Cluster.KillSiloAsync(silo);

        var failover = await WaitForAsync(
            async () => (await Coordinator.ListFailoversAsync()).FirstOrDefault(f => f.Host.Value == "hv-2"),
            f => f is { Phase: FailoverPhase.Completed },
            "the failover of hv-2 to complete");
        Assert.Equal(4, failover!.Outcomes.Count);
        Assert.True(failover.FenceAt >= failover.LastHeartbeat + TimeSpan.FromSeconds(3), "restarts wait for the isolation timeout");
        foreach (var id in new[] { "fo-high", "fo-medium", "fo-low" })
        {
            var vm = await _cluster.Client.GetGrain<IVmGrain>(id).GetAsync();
            Assert.Equal(VmState.Running, vm.State);
            Assert.NotEqual("hv-2", vm.Host!.Value.Value);
            Assert.True(vm.Epoch > before[id].Epoch, $"{id}: the restart raised the epoch");
            Assert.Contains(await _cluster.DriverOf(vm.Host.Value).ListAsync(CancellationToken.None), g => g.VmId == vm.VmId && g.Epoch == vm.Epoch);
        }

        var off = await _cluster.Client.GetGrain<IVmGrain>("fo-off").GetAsync();
        Assert.Equal(VmState.Failed, off.State);
        Assert.Equal(VmFailoverResult.Skipped, failover.Outcomes.Single(o => o.VmId.Value == "fo-off").Result);
        Assert.Equal(HostStatus.Down, (await _cluster.HostAsync("hv-2")).Status);
    }

    [Fact]
    public async Task HypervisorBroken_AgentAlive_HostDownGuestsMoveAndTheBrokenHostStopsItsCopies()
    {
        var created = await _cluster.Client.GetGrain<IVmGrain>("hv-broken-1").CreateAsync(new CreateVmCommand(Specs.Small(target: "hv-3")));
        _cluster.Hypervisors[new HostId("hv-3")].Broken = true;

        var failover = await WaitForAsync(
            async () => (await Coordinator.ListFailoversAsync()).FirstOrDefault(f => f.Host.Value == "hv-3"),
            f => f is { Phase: FailoverPhase.Completed },
            "the failover of hv-3 to complete");

        Assert.Equal(FailureCause.HypervisorFailed, failover!.Cause);
        var moved = await _cluster.Client.GetGrain<IVmGrain>("hv-broken-1").GetAsync();
        Assert.Equal(VmState.Running, moved.State);
        Assert.NotEqual("hv-3", moved.Host!.Value.Value);
        Assert.True(moved.Epoch > created.Epoch);
        // The agent lives on: told its host is Down, it stopped its copy; and it stays Down while broken.
        Assert.DoesNotContain(await _cluster.DriverOf(new HostId("hv-3")).ListAsync(CancellationToken.None), g => g.VmId.Value == "hv-broken-1");
        Assert.Equal(HostStatus.Down, (await _cluster.HostAsync("hv-3")).Status);
    }

    [Fact]
    public async Task AgentReportsItFencedItself_GuestsRestartWithoutWaitingForTheFence()
    {
        var created = await _cluster.Client.GetGrain<IVmGrain>("self-fenced-1").CreateAsync(new CreateVmCommand(Specs.Small(target: "hv-1")));
        // What an agent cut off from the coordinator does: stop its guests, then say so when it gets through again.
        var driver = _cluster.DriverOf(new HostId("hv-1"));
        await driver.StopAsync(created.VmId, created.Epoch, CancellationToken.None);
        var silo = _cluster.Cluster.Silos[0].SiloAddress;
        var ack = await Coordinator.HeartbeatAsync(
            new HostHeartbeat(new HostId("hv-1"), HostLoad.Idle, [], HypervisorHealthy: true, FencedItself: true), silo);

        Assert.True(ack.Fenced);
        var failover = await WaitForAsync(
            async () => (await Coordinator.ListFailoversAsync()).FirstOrDefault(f => f.Host.Value == "hv-1" && f.Cause == FailureCause.FencedItself),
            f => f is { Phase: FailoverPhase.Completed },
            "the failover of the self-fenced hv-1 to complete");
        Assert.Equal(failover!.DeclaredAt, failover.FenceAt);
        // Restarted on a survivor, or (when the other tests of this class left none) Pending until hv-1 rejoins.
        var vm = await WaitForAsync(
            () => _cluster.Client.GetGrain<IVmGrain>("self-fenced-1").GetAsync(),
            v => v.State == VmState.Running,
            "the guest to run again");
        Assert.True(vm.Epoch > created.Epoch);
        Assert.Contains(await _cluster.DriverOf(vm.Host!.Value).ListAsync(CancellationToken.None), g => g.VmId == vm.VmId && g.Epoch == vm.Epoch);
    }

    private IFailoverCoordinatorGrain Coordinator => _cluster.Client.GetGrain<IFailoverCoordinatorGrain>(IFailoverCoordinatorGrain.Key);

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        T value = default!;
        try
        {
            await Eventually.Async(async () => done(value = await read()), TimeSpan.FromSeconds(30), what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last: {value}; error: {e.InnerException}", e);
        }

        return value;
    }
}
