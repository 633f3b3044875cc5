using HostGrid.Contracts.Failover;
using Npgsql;
using Orleans;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace HostGrid.ChaosTests;

/// <summary>
/// Cuts one agent of a four-host cluster off PostgreSQL and the other silos (both ways) without stopping it. The cut
/// agent must fence itself (stop its guests, per its ledger, before any survivor starts them), the cluster must mark its
/// host Down and run each of its guests exactly once elsewhere; when the partition heals, the agent must learn it was
/// declared Down, come back Up (or as a new incarnation) and never start its old guests again.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class PartitionChaosTests : IClassFixture<PartitionClusterFixture>
{
    private const int MinGuests = 4;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1.5);
    private readonly PartitionClusterFixture _fixture;
    private readonly ITestOutputHelper _output;

    public PartitionChaosTests(PartitionClusterFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private LocalCluster Cluster => _fixture.Cluster;

    private OneCopyChecker Checker => _fixture.Checker;

    [PartitionFact]
    public async Task Partition_AgentCutOff_FencesItselfGuestsRunOnceElsewhereAndNotAgainAfterHeal()
    {
        var coordinator = await _fixture.CoordinatorHostAsync();
        var victim = await PickHostWithMostGuestsAsync(except: coordinator);

        await PartitionAndHealAsync(victim);
    }

    /// <summary>
    /// The coordinator's silo is cut, not dead: its old activation still acknowledges its own agent until its lease in
    /// storage runs out, and the coordinator reactivated elsewhere counts that agent's fence from no earlier than the lease.
    /// The healthy agents lose their coordinator for the seconds Orleans takes to declare its silo dead, longer than the
    /// isolation timeout; their leases in the database keep them from fencing themselves meanwhile.
    /// </summary>
    [PartitionFact]
    public async Task Partition_CoordinatorsAgentCutOff_GuestsRunOnceElsewhereNoHealthyHostFencesAndNotAgainAfterHeal()
    {
        var victim = await _fixture.CoordinatorHostAsync();

        await PartitionAndHealAsync(victim);

        Assert.NotEqual(victim, await _fixture.CoordinatorHostAsync());
    }

    private async Task PartitionAndHealAsync(string victim)
    {
        await EnsureGuestsAsync(victim);
        var guests = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { HostId = victim, PageSize = 1000 })).Vms
            .ToDictionary(v => v.VmId, v => v.Epoch);
        var agent = Cluster.Agent(victim);
        var cgroup = _fixture.Cgroups.DirectoryOf(victim);
        var peer = PartitionClusterFixture.Specs.Select(s => s.HostId).First(h => h != victim);
        var databasePort = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString).Port;
        Assert.True(_fixture.Cgroups.Contains(victim, agent.Id), $"agent of {victim} (pid {agent.Id}) is not in its cgroup {cgroup}");
        Assert.True(await NetworkPartition.CanConnectFromAsync(cgroup, databasePort, ProbeTimeout), "before the cut, the agent's cgroup should reach PostgreSQL");
        var eventsBefore = (await EventLogReader.ReadAsync(Cluster.ClusterId)).Count;

        var cutAt = DateTimeOffset.UtcNow;
        using (var partition = NetworkPartition.Cut(_fixture.Cgroups.PathOf(victim)))
        {
            _output.WriteLine($"{cutAt:HH:mm:ss.fff} cut {victim} (pid {agent.Id}, {guests.Count} guests: {string.Join(", ", guests.Keys.Order(StringComparer.Ordinal))}):\n{partition.Rules.TrimEnd()}");
            await AssertCutOffAsync(victim, peer, cgroup, databasePort);

            // The gRPC gateway's Orleans client may have pinned grains to the cut silo's Orleans gateway, whose connection
            // the partition black-holes and Orleans never closes: restart it once the silo is declared dead (known limit).
            await Cluster.WaitForSiloDeadAsync(victim, SettleTimeout);
            Cluster.RestartGateway();

            // The cluster marks the host Down and runs its guests elsewhere; the cut agent fences itself meanwhile.
            var settled = await SettleAsync(victim, expectDown: true);
            _output.WriteLine($"{settled:HH:mm:ss.fff} settled {(settled - cutAt).TotalSeconds:F1} s after the cut; {victim} Down");
            Assert.False(agent.HasExited, $"the cut agent of {victim} exited; a partition must not stop it (log {agent.LogPath})");
            AssertFencedBeforeRestartedElsewhere(victim, guests, cutAt);
            await ReportFenceDeadlineAsync(victim, cutAt);
            var collateral = Checker.Entries().Where(e => !e.Start && e.Host != victim && e.At >= cutAt && e.At <= settled).ToList();
            var fencedHealthy = collateral.Select(e => e.Host).Distinct().Order(StringComparer.Ordinal).ToList();
            _output.WriteLine(collateral.Count == 0
                ? "no healthy host stopped a guest"
                : $"healthy hosts {string.Join(", ", fencedHealthy)} fenced themselves too, stopping {collateral.Count} guests (restarted elsewhere)");
            Assert.True(collateral.Count == 0, $"healthy hosts stopped guests while {victim} was cut off:\n" + string.Join('\n', collateral));
            Assert.Contains($"Host {victim} fencing itself", agent.ReadLog(), StringComparison.Ordinal);
            await AssertFailoverLoggedAsync(victim, guests.Keys, eventsBefore);

            partition.Heal();
        }

        var healedAt = DateTimeOffset.UtcNow;
        Assert.DoesNotContain($"hostgrid_part_{Environment.ProcessId}_", NetworkPartition.Tables(), StringComparison.Ordinal);
        var rejoined = await RejoinedAsync(victim, agent);
        var upAt = DateTimeOffset.UtcNow;
        _output.WriteLine($"{upAt:HH:mm:ss.fff} healed at {healedAt:HH:mm:ss.fff}; {victim} Up and its silo Active {(upAt - healedAt).TotalSeconds:F1} s later: {rejoined}");
        await Cluster.WaitForHostsUpAsync(PartitionClusterFixture.Specs.Length, TimeSpan.FromSeconds(30));

        // Up again, with a heartbeat or two behind it: its old guests still run once, elsewhere, and never restarted here.
        await SettleAsync(victim, expectDown: false);
        await Task.Delay(OneCopyChecker.ResumeGrace + TimeSpan.FromSeconds(1));
        var restartedHere = Checker.Entries()
            .Where(e => e.Start && e.Host == victim && e.At >= cutAt && guests.TryGetValue(e.Vm, out var epoch) && e.Epoch <= epoch)
            .ToList();
        Assert.True(restartedHere.Count == 0, $"{victim} started old guests again after the cut:\n" + string.Join('\n', restartedHere));
        var running = Checker.Running(DateTimeOffset.UtcNow);
        Assert.All(guests.Keys, vm => Assert.False(running[vm].Host == victim && running[vm].Epoch <= guests[vm], $"{vm} runs on {victim} at an old epoch: {running[vm]}"));
        AssertNoDoubles();
        _output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} done, {(DateTimeOffset.UtcNow - cutAt).TotalSeconds:F1} s after the cut");
    }

    /// <summary>
    /// Shows the failover's fence deadline (its idea of the host's last acknowledged heartbeat + isolation timeout +
    /// margin) beside the moment the cut agent actually fenced itself: the deadline should come after.
    /// </summary>
    private async Task ReportFenceDeadlineAsync(string victim, DateTimeOffset cutAt)
    {
        try
        {
            var failovers = await _fixture.Orleans.GetGrain<IFailoverCoordinatorGrain>(IFailoverCoordinatorGrain.Key).ListFailoversAsync().WaitAsync(TimeSpan.FromSeconds(5));
            var fenced = Checker.Entries().FirstOrDefault(e => !e.Start && e.Host == victim && e.At >= cutAt)?.At;
            foreach (var f in failovers.Where(f => f.Host.Value == victim && f.DeclaredAt >= cutAt))
            {
                _output.WriteLine($"failover {f.Id} ({f.Cause}): last heartbeat {f.LastHeartbeat:HH:mm:ss.fff}, declared {f.DeclaredAt:HH:mm:ss.fff}, fence deadline {f.FenceAt:HH:mm:ss.fff}; "
                    + $"the cut agent fenced at {fenced:HH:mm:ss.fff} ({(f.FenceAt - fenced)?.TotalSeconds:F2} s before the deadline)");
            }
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            _output.WriteLine($"failover records unavailable: {e.Message}");
        }
    }

    /// <summary>
    /// The durable event log tells the story: the host went Down, and the failover took each of its guests (restarted
    /// it elsewhere, or left it Pending until capacity came back, when healthy hosts fenced themselves too).
    /// </summary>
    private async Task AssertFailoverLoggedAsync(string victim, IEnumerable<string> guests, int eventsBefore)
    {
        var expected = guests.ToList();
        await Eventually.Async(
            async () => (await EventLogReader.ReadAsync(Cluster.ClusterId)).Skip(eventsBefore).ToList(),
            events => events.Any(e => e.Kind == "host.down" && e.HostId == victim)
                && expected.All(vm => events.Any(e => e.VmId == vm && e.Kind is "vm.failed_over" or "vm.pending")),
            TimeSpan.FromSeconds(10),
            $"host.down of {victim} and a vm.failed_over or vm.pending event for each of {string.Join(", ", expected)}");
    }

    /// <summary>
    /// Waits until the healed host is Up and served by a silo that membership holds Active. Orleans declared the cut
    /// silo dead, so when it reads the membership table again it stops itself; like a service supervisor, this then
    /// starts a new incarnation. Returns how the host came back.
    /// </summary>
    private async Task<string> RejoinedAsync(string victim, ManagedProcess cutAgent)
    {
        var management = _fixture.Orleans.GetGrain<IManagementGrain>(0);
        var siloPort = Cluster.SiloPort(victim);
        string? problem = null;
        try
        {
            await Eventually.Async(
                async () =>
                {
                    if (Cluster.Agent(victim).HasExited)
                    {
                        Cluster.RestartAgent(victim);
                    }

                    var host = await Cluster.Hosts.GetHostAsync(new GetHostRequest { Name = victim }, deadline: DateTime.UtcNow.AddSeconds(3));
                    var active = host.Status == HostStatus.Up
                        && (await management.GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(3))).Keys.Any(s => s.Endpoint.Port == siloPort);
                    return (Active: active, host.Status);
                },
                state =>
                {
                    problem = $"{victim} is {state.Status}, its silo {(state.Active ? "Active" : "not Active")}";
                    return state.Active && state.Status == HostStatus.Up && !Cluster.Agent(victim).HasExited;
                },
                SettleTimeout,
                $"{victim} Up on an Active silo");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{victim} did not come back after the heal: {problem}; logs in {Cluster.WorkDirectory}", e.InnerException);
        }

        if (ReferenceEquals(cutAgent, Cluster.Agent(victim)))
        {
            return "the cut agent rejoined as it was";
        }

        var toldDead = cutAgent.ReadLog().Contains("I have been told I am dead", StringComparison.Ordinal);
        return $"the cut agent stopped itself ({(toldDead ? "Orleans: \"I have been told I am dead\"" : "no reason logged")}) and a new incarnation joined";
    }

    /// <summary>Nothing gets from the agent's cgroup to PostgreSQL or a peer silo, nor to the agent's ports; the rest of the cluster still talks.</summary>
    private async Task AssertCutOffAsync(string victim, string peer, string cgroup, int databasePort)
    {
        var probes = await Task.WhenAll(
            NetworkPartition.CanConnectFromAsync(cgroup, databasePort, ProbeTimeout),
            NetworkPartition.CanConnectFromAsync(cgroup, Cluster.SiloPort(peer), ProbeTimeout),
            NetworkPartition.CanConnectAsync(Cluster.SiloPort(victim), ProbeTimeout),
            NetworkPartition.CanConnectAsync(Cluster.ClientGatewayPort(victim), ProbeTimeout),
            NetworkPartition.CanConnectAsync(databasePort, ProbeTimeout),
            NetworkPartition.CanConnectAsync(Cluster.SiloPort(peer), ProbeTimeout));
        Assert.Equal(
            [false, false, false, false, true, true],
            probes);
    }

    /// <summary>
    /// Each guest's copy on the cut host stopped (at its epoch, after the cut) before its new copy started elsewhere at
    /// a newer epoch: the cut agent fenced itself, and failover waited for it.
    /// </summary>
    private void AssertFencedBeforeRestartedElsewhere(string victim, IReadOnlyDictionary<string, long> guests, DateTimeOffset cutAt)
    {
        var entries = Checker.Entries();
        foreach (var (vm, epoch) in guests)
        {
            var stop = entries.LastOrDefault(e => !e.Start && e.Host == victim && e.Vm == vm && e.Epoch == epoch && e.At >= cutAt);
            var restart = entries.FirstOrDefault(e => e.Start && e.Host != victim && e.Vm == vm && e.Epoch > epoch && e.At >= cutAt);
            Assert.True(stop is not null, $"{vm}: the cut agent {victim} never stopped its copy at e{epoch}");
            Assert.True(restart is not null, $"{vm}: no new copy started elsewhere after the cut");
            Assert.True(stop.At <= restart.At, $"{vm}: {restart} before {stop}");
            _output.WriteLine($"  {vm}: {stop}  ->  {restart}");
        }
    }

    /// <summary>Waits until every guest runs exactly once at its current epoch, none on the cut host while it is Down; returns when.</summary>
    private async Task<DateTimeOffset> SettleAsync(string victim, bool expectDown)
    {
        string? problem = null;
        try
        {
            await Eventually.Async(
                async () => (
                    Vms: (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = 1000 }, deadline: DateTime.UtcNow.AddSeconds(5))).Vms,
                    Host: await Cluster.Hosts.GetHostAsync(new GetHostRequest { Name = victim }, deadline: DateTime.UtcNow.AddSeconds(5))),
                state =>
                {
                    problem = SettledProblem(state.Vms, state.Host);
                    return problem is null;
                },
                SettleTimeout,
                "every guest running once" + (expectDown ? $", {victim} Down and none on it" : ""));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"not settled after {SettleTimeout.TotalSeconds} s: {problem}; logs in {Cluster.WorkDirectory}", e.InnerException);
        }

        var at = DateTimeOffset.UtcNow;
        AssertNoDoubles();
        return at;

        string? SettledProblem(IReadOnlyList<Vm> list, Host host)
        {
            if (expectDown && host.Status != HostStatus.Down)
            {
                return $"{victim} is {host.Status}";
            }

            var running = Checker.Running(DateTimeOffset.UtcNow);
            foreach (var vm in list)
            {
                if (vm.State != VmState.Running || (expectDown && vm.HostId == victim))
                {
                    return $"{vm.VmId} is {vm.State} on {vm.HostId}";
                }

                if (!running.TryGetValue(vm.VmId, out var copy) || copy.Host != vm.HostId || copy.Epoch != vm.Epoch)
                {
                    return $"{vm.VmId}: ledger shows {copy?.ToString() ?? "no running copy"}, record says {vm.HostId} e{vm.Epoch}";
                }
            }

            return null;
        }
    }

    private void AssertNoDoubles()
    {
        var doubles = Checker.Doubles(DateTimeOffset.UtcNow);
        Assert.True(doubles.Count == 0, "two copies ran at once:\n" + string.Join('\n', doubles));
    }

    /// <summary>Tops the host up to <see cref="MinGuests"/> guests (an earlier cut may have emptied it).</summary>
    private async Task EnsureGuestsAsync(string host)
    {
        var count = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { HostId = host, PageSize = 1000 })).Vms.Count;
        for (var i = count; i < MinGuests; i++)
        {
            await Cluster.Vms.CreateVmAsync(new CreateVmRequest
            {
                VmId = $"part-{host}-{Guid.NewGuid().ToString("N")[..6]}",
                Resources = new Resources { Vcpus = 1, MemoryMib = 1024, DiskGib = 10 },
                TargetHostId = host,
            });
        }
    }

    private async Task<string> PickHostWithMostGuestsAsync(string except)
    {
        var vms = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = 1000 })).Vms;
        return PartitionClusterFixture.Specs.Select(s => s.HostId)
            .Where(h => h != except)
            .OrderByDescending(h => vms.Count(v => v.HostId == h))
            .ThenBy(h => h, StringComparer.Ordinal)
            .First();
    }
}
