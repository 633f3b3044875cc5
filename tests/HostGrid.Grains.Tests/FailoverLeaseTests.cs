using HostGrid.Contracts.Failover;
using HostGrid.Grains.Agent;
using Microsoft.Extensions.Hosting;

namespace HostGrid.Grains.Tests;

/// <summary>
/// Datastore heartbeats: an agent cut off from the coordinator but not from the database renews its lease and does not
/// fence itself; the coordinator declares its host Down, and the failover leaves its guests there until the lease
/// lapses. Its own cluster: it silences a host's heartbeats for good.
/// </summary>
public sealed class FailoverLeaseTests : IClassFixture<SimulatedClusterFixture>
{
    private static readonly TimeSpan RenewPeriod = TimeSpan.FromMilliseconds(200);
    private readonly SimulatedClusterFixture _cluster;

    public FailoverLeaseTests(SimulatedClusterFixture cluster) => _cluster = cluster;

    [Fact]
    public async Task HostDown_ItsAgentStillRenewsItsLease_GuestsStayUntilTheLeaseLapses()
    {
        var host = new HostId("hv-2");
        var created = await _cluster.Client.GetGrain<IVmGrain>("leased-1").CreateAsync(new CreateVmCommand(Specs.Small(target: "hv-2")));
        var silo = _cluster.SiloOf(host);
        var agent = silo.SiloAddress.ToParsableString();
        var isolation = (IsolationMonitor)silo.ServiceProvider.GetService(typeof(IsolationMonitor))!;
        using var renewing = new CancellationTokenSource();

        // The heartbeat loop stops (no heartbeat reaches the coordinator); the lease renewals go on without it.
        var heartbeats = ((IEnumerable<IHostedService>)silo.ServiceProvider.GetService(typeof(IEnumerable<IHostedService>))!).OfType<HostHeartbeatService>().Single();
        await heartbeats.StopAsync(CancellationToken.None);
        var renewals = RenewAsync(host, agent, isolation, renewing.Token);
        await Eventually.Async(async () => await FailoverOfAsync(host) is not null, TimeSpan.FromSeconds(30), "hv-2 declared Down");
        // Well past the isolation timeout and margin after the last acknowledgement: the agent has not fenced itself, and
        // the live lease holds the restart.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(FailoverPhase.AwaitingFence, (await FailoverOfAsync(host))!.Phase);
        var held = await _cluster.Client.GetGrain<IVmGrain>("leased-1").GetAsync();
        Assert.Equal(host, held.Host);
        Assert.Equal(created.Epoch, held.Epoch);
        Assert.Contains(await _cluster.DriverOf(host).ListAsync(CancellationToken.None), g => g.VmId == created.VmId && g.Running);

        await renewing.CancelAsync();
        await renewals;
        var lastRenewal = DateTimeOffset.UtcNow;
        // Now cut off from both, the agent fences itself; then the guest restarts elsewhere.
        await Eventually.Async(
            async () => (await _cluster.DriverOf(host).ListAsync(CancellationToken.None)).All(g => g.VmId != created.VmId),
            TimeSpan.FromSeconds(30),
            "hv-2's agent to fence itself");
        var done = await Eventually.Async(() => FailoverOfAsync(host), f => f is { Phase: FailoverPhase.Completed }, TimeSpan.FromSeconds(30), "the failover of hv-2 to complete");
        Assert.True(done!.CompletedAt >= lastRenewal + TimeSpan.FromSeconds(3) - RenewPeriod, $"restarted at {done.CompletedAt:O}, before the lease renewed until {lastRenewal:O} lapsed");
        var moved = await _cluster.Client.GetGrain<IVmGrain>("leased-1").GetAsync();
        Assert.Equal(VmState.Running, moved.State);
        Assert.NotEqual(host, moved.Host);
        Assert.True(moved.Epoch > created.Epoch);
    }

    [Fact]
    public async Task HostDown_ItsAgentAnswersAgainBeforeItFenced_FailoverWithdrawnAndGuestsNeverMoved()
    {
        var host = new HostId("hv-3");
        var created = await _cluster.Client.GetGrain<IVmGrain>("returning-1").CreateAsync(new CreateVmCommand(Specs.Small(target: "hv-3")));
        var silo = _cluster.SiloOf(host);
        var isolation = (IsolationMonitor)silo.ServiceProvider.GetService(typeof(IsolationMonitor))!;
        var heartbeats = ((IEnumerable<IHostedService>)silo.ServiceProvider.GetService(typeof(IEnumerable<IHostedService>))!).OfType<HostHeartbeatService>().Single();
        using var renewing = new CancellationTokenSource();

        // Cut off from the coordinator, not from the database: declared Down, the failover held by the live lease.
        await heartbeats.StopAsync(CancellationToken.None);
        var renewals = RenewAsync(host, silo.SiloAddress.ToParsableString(), isolation, renewing.Token);
        await Eventually.Async(async () => await FailoverOfAsync(host) is { Phase: FailoverPhase.AwaitingFence }, TimeSpan.FromSeconds(30), "hv-3 declared Down, its failover waiting on the lease");
        await Task.Delay(TimeSpan.FromSeconds(4)); // past the isolation timeout: still not fenced, thanks to the lease

        // The partition heals: the same agent heartbeats again.
        await heartbeats.StartAsync(CancellationToken.None);
        await renewing.CancelAsync();
        await renewals;
        var withdrawn = await Eventually.Async(() => FailoverOfAsync(host), f => f is { Phase: FailoverPhase.Withdrawn }, TimeSpan.FromSeconds(30), "the failover of hv-3 to be withdrawn");
        Assert.Empty(withdrawn!.Outcomes); // it restarted nothing
        await Eventually.Async(
            async () => (await _cluster.Client.GetGrain<IHostGrain>("hv-3").GetSnapshotAsync()).Status == HostStatus.Up,
            TimeSpan.FromSeconds(30),
            "hv-3 Up again");

        // A few heartbeats later the guest still runs where it always ran: the agent was never told to fence.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var vm = await _cluster.Client.GetGrain<IVmGrain>("returning-1").GetAsync();
        Assert.Equal((host, created.Epoch, VmState.Running), (vm.Host, vm.Epoch, vm.State));
        Assert.Contains(await _cluster.DriverOf(host).ListAsync(CancellationToken.None), g => g.VmId == created.VmId && g.Running);
        Assert.Equal(FailoverPhase.Withdrawn, (await FailoverOfAsync(host))!.Phase);
    }

    /// <summary>What the agent of a host cut off from the coordinator but not from the database does every heartbeat.</summary>
    private async Task RenewAsync(HostId host, string agent, IsolationMonitor isolation, CancellationToken cancellationToken)
    {
        // Bounded by the test's own waits (well under a minute); a cancel ends it.
        for (var i = 0; i < 300 && !cancellationToken.IsCancellationRequested; i++)
        {
            var startedAt = TimeProvider.System.GetTimestamp();
            await _cluster.Leases.RenewAsync(host, agent, CancellationToken.None);
            isolation.Renewed(host, startedAt);
            await Task.Delay(RenewPeriod, CancellationToken.None);
        }
    }

    private async Task<FailoverSnapshot?> FailoverOfAsync(HostId host) =>
        (await _cluster.Client.GetGrain<IFailoverCoordinatorGrain>(IFailoverCoordinatorGrain.Key).ListFailoversAsync()).FirstOrDefault(f => f.Host == host);
}
