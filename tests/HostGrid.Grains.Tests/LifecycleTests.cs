using HostGrid.Contracts.Errors;

namespace HostGrid.Grains.Tests;

public sealed class LifecycleTests : IClassFixture<SimulatedClusterFixture>
{
    private readonly SimulatedClusterFixture _cluster;

    public LifecycleTests(SimulatedClusterFixture cluster) => _cluster = cluster;

    [Fact]
    public async Task StopStartDelete_DriverAndRecordFollow()
    {
        var vm = _cluster.Client.GetGrain<IVmGrain>("life-1");
        var created = await vm.CreateAsync(new CreateVmCommand(Specs.Small()));
        var host = created.Host!.Value;
        var driver = _cluster.DriverOf(host);
        Assert.Contains(await driver.ListAsync(CancellationToken.None), g => g.VmId == created.VmId && g.Epoch == created.Epoch);

        var stopped = await vm.StopAsync();
        Assert.Equal(VmState.Stopped, stopped.State);
        Assert.DoesNotContain(await driver.ListAsync(CancellationToken.None), g => g.VmId == created.VmId);
        Assert.Contains((await _cluster.HostAsync(host.Value)).Reservations, r => r.VmId == created.VmId);

        var started = await vm.StartAsync();
        Assert.Equal(VmState.Running, started.State);
        Assert.True(started.Epoch > created.Epoch, "a restart raises the epoch");
        Assert.Contains(await driver.ListAsync(CancellationToken.None), g => g.VmId == created.VmId && g.Epoch == started.Epoch);

        await vm.DeleteAsync();
        await Assert.ThrowsAsync<VmNotFoundException>(() => vm.GetAsync());
        Assert.DoesNotContain(await driver.ListAsync(CancellationToken.None), g => g.VmId == created.VmId);
        Assert.DoesNotContain((await _cluster.HostAsync(host.Value)).Reservations, r => r.VmId == created.VmId);
    }

    [Fact]
    public async Task CreateRepeatedWithItsRequestId_SameGuestBack_OtherwiseAlreadyExists()
    {
        var vm = _cluster.Client.GetGrain<IVmGrain>("retry-1");
        var created = await vm.CreateAsync(new CreateVmCommand(Specs.Small(), RequestId: "7f1c2a9e-req"));

        // The client's retry after a lost reply: the guest it made, unchanged, and still one copy.
        var retried = await vm.CreateAsync(new CreateVmCommand(Specs.Small(), RequestId: "7f1c2a9e-req"));
        Assert.Equal((created.Host, created.Epoch, created.State), (retried.Host, retried.Epoch, retried.State));
        Assert.Single(await _cluster.DriverOf(created.Host!.Value).ListAsync(CancellationToken.None), g => g.VmId == created.VmId);

        // Anyone else's create of that name still fails.
        await Assert.ThrowsAsync<VmAlreadyExistsException>(() => vm.CreateAsync(new CreateVmCommand(Specs.Small(), RequestId: "other")));
        await Assert.ThrowsAsync<VmAlreadyExistsException>(() => vm.CreateAsync(new CreateVmCommand(Specs.Small())));
        await vm.DeleteAsync();
    }

    [Fact]
    public async Task CreateWithoutRequestId_RepeatIsAlreadyExists()
    {
        var vm = _cluster.Client.GetGrain<IVmGrain>("retry-2");
        await vm.CreateAsync(new CreateVmCommand(Specs.Small()));

        await Assert.ThrowsAsync<VmAlreadyExistsException>(() => vm.CreateAsync(new CreateVmCommand(Specs.Small())));
        await vm.DeleteAsync();
    }

    [Fact]
    public async Task GuestVanishesFromItsHost_RestartedAtANewEpoch()
    {
        var vm = _cluster.Client.GetGrain<IVmGrain>("lost-1");
        var created = await vm.CreateAsync(new CreateVmCommand(Specs.Small()));
        var host = created.Host!.Value;

        // The copy dies behind the grain's back (a QEMU process killed, or fenced while its agent was away).
        await _cluster.Hypervisors[host].StopAsync(created.VmId, CancellationToken.None);

        var restarted = await Eventually.Async(
            vm.GetAsync,
            v => v.State == VmState.Running && v.Epoch > created.Epoch,
            TimeSpan.FromSeconds(20),
            "the lost guest restarted");
        Assert.Contains(await _cluster.DriverOf(restarted.Host!.Value).ListAsync(CancellationToken.None), g => g.VmId == created.VmId && g.Epoch == restarted.Epoch);
        await vm.DeleteAsync();
    }

    [Fact]
    public async Task CreateStopped_ReservesButDoesNotRun()
    {
        var vm = _cluster.Client.GetGrain<IVmGrain>("cold-1");
        var created = await vm.CreateAsync(new CreateVmCommand(Specs.Small(), StartStopped: true));

        Assert.Equal(VmState.Stopped, created.State);
        Assert.DoesNotContain(await _cluster.DriverOf(created.Host!.Value).ListAsync(CancellationToken.None), g => g.VmId == created.VmId);
        await vm.DeleteAsync();
    }

    [Fact]
    public async Task AgentCommand_StaleEpoch_RefusedAndGuestKeepsRunning()
    {
        var vm = _cluster.Client.GetGrain<IVmGrain>("fenced-1");
        var created = await vm.CreateAsync(new CreateVmCommand(Specs.Small()));
        await vm.StopAsync();
        var restarted = await vm.StartAsync();
        var agent = _cluster.Client.GetGrain<IHostAgentGrain>(restarted.Host!.Value.Value);

        var error = await Assert.ThrowsAsync<StaleEpochException>(() => agent.StopGuestAsync(created.VmId, created.Epoch));

        Assert.Equal(restarted.Epoch, error.Current);
        Assert.Contains(await agent.ListGuestsAsync(), g => g.VmId == created.VmId && g.Epoch == restarted.Epoch);
        await vm.DeleteAsync();
    }

    [Fact]
    public async Task StrayGuest_NoReservation_StoppedByTheNextHeartbeat()
    {
        // A start that timed out and was placed elsewhere leaves such a copy behind.
        var agent = _cluster.Client.GetGrain<IHostAgentGrain>("hv-3");
        await agent.StartGuestAsync(new VmId("stray-1"), new GuestSpec(new ResourceAmounts(1, 512, 10), new Dictionary<string, string>()), 7);
        Assert.Contains(await agent.ListGuestsAsync(), g => g.VmId.Value == "stray-1");

        await Eventually.Async(
            async () => (await agent.ListGuestsAsync()).All(g => g.VmId.Value != "stray-1"),
            TimeSpan.FromSeconds(10),
            "the stray guest to be stopped");
    }

    [Fact]
    public async Task AgentOfUnknownHost_FailsFastAsUnreachable()
    {
        var agent = _cluster.Client.GetGrain<IHostAgentGrain>("hv-nowhere");

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<HostUnreachableException>(() => agent.ListGuestsAsync());

        Assert.Equal("hv-nowhere", error.HostId.Value);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "fails fast, not after a timeout");
    }

    [Fact]
    public async Task UnknownVm_NotFound()
    {
        var vm = _cluster.Client.GetGrain<IVmGrain>("ghost");

        await Assert.ThrowsAsync<VmNotFoundException>(() => vm.GetAsync());
        await Assert.ThrowsAsync<VmNotFoundException>(() => vm.StartAsync());
        await Assert.ThrowsAsync<VmNotFoundException>(() => vm.DeleteAsync());
    }
}
