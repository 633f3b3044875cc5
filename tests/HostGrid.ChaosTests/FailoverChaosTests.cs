using Xunit.Abstractions;

namespace HostGrid.ChaosTests;

/// <summary>
/// Kills and freezes agents of a five-host cluster running 40 guests. After every fault the cluster must settle with
/// every guest running exactly once, on a live host at its current epoch, and the ledger must never show two copies
/// of one guest running at the same time.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class FailoverChaosTests : IClassFixture<ChaosClusterFixture>
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(45);
    private readonly ChaosClusterFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly Random _random = new(20261125);

    public FailoverChaosTests(ChaosClusterFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private LocalCluster Cluster => _fixture.Cluster;

    private OneCopyChecker Checker => _fixture.Checker;

    [Fact]
    public async Task KillRandomAgent_ThreeRounds_NoGuestLostNoneDoubled()
    {
        for (var round = 1; round <= 3; round++)
        {
            var victim = await PickHostWithGuestsAsync();
            var moving = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { HostId = victim })).Vms.Select(v => v.VmId).ToList();
            var eventsBefore = (await EventLogReader.ReadAsync(Cluster.ClusterId)).Count;
            var killedAt = Cluster.KillAgent(victim);
            Checker.Killed(victim, killedAt);
            var settled = await SettleAsync([victim]);
            _output.WriteLine($"round {round}: killed {victim}, settled in {(settled - killedAt).TotalSeconds:F1} s");

            // The durable event log tells the story: the host went down, each of its guests failed over.
            var events = (await EventLogReader.ReadAsync(Cluster.ClusterId)).Skip(eventsBefore).ToList();
            Assert.Contains(events, e => e.Kind == "host.down" && e.HostId == victim);
            Assert.All(moving, vm => Assert.Contains(events, e => e.Kind == "vm.failed_over" && e.VmId == vm));
            await RestoreAsync(victim);
        }
    }

    [Fact]
    public async Task KillCoordinatorsAgent_FailoverStillCompletes()
    {
        var victim = await _fixture.CoordinatorHostAsync();
        var killedAt = Cluster.KillAgent(victim);
        Checker.Killed(victim, killedAt);

        var settled = await SettleAsync([victim]);

        _output.WriteLine($"killed {victim} (coordinator's host), settled in {(settled - killedAt).TotalSeconds:F1} s");
        Assert.NotEqual(victim, await _fixture.CoordinatorHostAsync());
        await RestoreAsync(victim);
    }

    [Fact]
    public async Task KillTwoAgentsAtOnce_EveryGuestRestartsOnTheOtherThree()
    {
        var first = await PickHostWithGuestsAsync();
        var second = await PickHostWithGuestsAsync(except: first);
        Checker.Killed(first, Cluster.KillAgent(first));
        var killedAt = Cluster.KillAgent(second);
        Checker.Killed(second, killedAt);

        var settled = await SettleAsync([first, second]);

        _output.WriteLine($"killed {first} and {second}, settled in {(settled - killedAt).TotalSeconds:F1} s");
        await RestoreAsync(first, second);
    }

    [Fact]
    public async Task FreezeAgent_SigStop_FailedOverAndOnContinueDoesNotRunOldGuests()
    {
        var victim = await PickHostWithGuestsAsync();
        var agent = Cluster.Agent(victim);
        var guestsBefore = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { HostId = victim })).Vms.Select(v => v.VmId).ToList();
        agent.Signal("STOP");
        var frozenAt = DateTimeOffset.UtcNow;
        Checker.Frozen(victim, frozenAt);

        var settled = await SettleAsync([victim]);
        _output.WriteLine($"froze {victim} ({guestsBefore.Count} guests), settled in {(settled - frozenAt).TotalSeconds:F1} s");

        Checker.Continued(victim, DateTimeOffset.UtcNow);
        agent.Signal("CONT");

        // Give the continued agent time to learn it was declared dead; its old guests must not run on.
        await Task.Delay(OneCopyChecker.ResumeGrace + TimeSpan.FromSeconds(2));
        var running = Checker.Running(DateTimeOffset.UtcNow);
        Assert.DoesNotContain(running.Values, copy => copy.Host == victim && guestsBefore.Contains(copy.Vm));
        AssertNoDoubles();
        _output.WriteLine($"after SIGCONT the agent {(agent.HasExited ? "exited" : "kept running")}");
        if (agent.HasExited)
        {
            Cluster.RestartAgent(victim);
        }

        await RestoreAsync();
    }

    /// <summary>Waits until every guest runs on a live host at its current epoch, exactly once; returns when.</summary>
    private async Task<DateTimeOffset> SettleAsync(IReadOnlyCollection<string> deadHosts)
    {
        string? problem = null;
        IReadOnlyList<Vm> vms;
        try
        {
            vms = await Eventually.Async(
                async () => (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = 1000 }, deadline: DateTime.UtcNow.AddSeconds(5))).Vms,
                list =>
                {
                    problem = SettledProblem(list, deadHosts);
                    return problem is null;
                },
                SettleTimeout,
                "every guest running once on a live host");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"not settled after {SettleTimeout.TotalSeconds} s: {problem}; logs in {Cluster.WorkDirectory}", e.InnerException);
        }

        var at = DateTimeOffset.UtcNow;
        Assert.Equal(ChaosClusterFixture.VmCount, vms.Count);
        AssertNoDoubles();
        return at;

        string? SettledProblem(IReadOnlyList<Vm> list, IReadOnlyCollection<string> dead)
        {
            var running = Checker.Running(DateTimeOffset.UtcNow);
            foreach (var vm in list)
            {
                if (vm.State != VmState.Running || dead.Contains(vm.HostId))
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

    /// <summary>Restarts killed agents and waits until all five hosts are Up again.</summary>
    private async Task RestoreAsync(params string[] hosts)
    {
        foreach (var host in hosts)
        {
            Cluster.RestartAgent(host);
        }

        await Cluster.WaitForHostsUpAsync(ChaosClusterFixture.Specs.Length, TimeSpan.FromSeconds(60));
    }

    private async Task<string> PickHostWithGuestsAsync(string? except = null)
    {
        var vms = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = 1000 })).Vms;
        var candidates = vms.Select(v => v.HostId).Where(h => h.Length > 0 && h != except).Distinct().Order(StringComparer.Ordinal).ToList();
        return candidates[_random.Next(candidates.Count)];
    }
}
