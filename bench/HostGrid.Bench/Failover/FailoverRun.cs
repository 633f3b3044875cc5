using System.Globalization;
using Grpc.Core;
using HostGrid.Api.V1;
using HostGrid.Bench.Reporting;
using HostGrid.ChaosTests;
using HostGrid.Testing;

namespace HostGrid.Bench.Failover;

/// <summary>
/// One run of the failover benchmark: a private five-agent cluster (LocalCluster) with 40 guests, then kill rounds
/// (SIGKILL) and hang rounds (SIGSTOP, SIGCONT once settled), each timed from the fault until every guest runs again
/// exactly once on a live host, and restored (all hosts Up) before the next. The ledger checker the chaos tests use
/// decides one-copy. The cluster's processes are always killed at the end.
/// </summary>
internal sealed class FailoverRun : IAsyncDisposable
{
    /// <summary>What FailoverCoordinatorGrain logs when it activates (its agent's log tells where it runs).</summary>
    private const string CoordinatorActivated = "Failover coordinator active";

    /// <summary>What IsolationMonitor logs when an agent stops its own guests (isolated, or told it was declared dead).</summary>
    private const string SelfFence = "fencing itself";
    private const int PageSize = 1000;
    private static readonly string[] VmIds = Enumerable.Range(0, FailoverSettings.VmCount)
        .Select(i => string.Create(CultureInfo.InvariantCulture, $"fo-{i:D2}"))
        .ToArray();
    private static readonly TimeSpan CreateCallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FailoverRecordWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan UpStable = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RestorePoll = TimeSpan.FromMilliseconds(200);

    private readonly FailoverSettings _settings;
    private readonly Random _random;
    private readonly List<FailoverRound> _rounds = [];
    private readonly Dictionary<string, long> _logMarks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _writtenOff = new(StringComparer.Ordinal);
    private LocalCluster? _cluster;
    private OneCopyChecker? _checker;
    private string? _coordinatorHost;

    public FailoverRun(FailoverSettings settings)
    {
        _settings = settings;
        _random = new Random(settings.Seed);
    }

    /// <summary>Kills the cluster's processes if <see cref="RunAsync"/> did not get to it (it normally does).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_cluster is { } cluster)
        {
            _cluster = null;
            await cluster.DisposeAsync();
        }
    }

    private LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("no cluster");

    private OneCopyChecker Checker => _checker ?? throw new InvalidOperationException("no cluster");

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var result = new BenchResult("failover");
        _settings.WriteTo(result);
        var setUp = false;
        var troubled = false;
        int? lost = null;
        int? doubled = null;
        try
        {
            var stage = "setup";
            try
            {
                if (Environment.GetEnvironmentVariable("HOSTGRID_TEST_PG") is not { Length: > 0 })
                {
                    result.Note("HOSTGRID_TEST_PG is not set: the benchmark needs a PostgreSQL for its cluster (scripts/bench.sh failover starts one)");
                    Report(result, started: false, null, null);
                    return result;
                }

                await SetUpAsync(result, cancellationToken);
                setUp = true;
                for (var i = 1; i <= _settings.Kills; i++)
                {
                    stage = $"kill {i}";
                    await RoundAsync(FaultKind.Kill, i, cancellationToken);
                }

                for (var i = 1; i <= _settings.Hangs; i++)
                {
                    stage = $"hang {i}";
                    await RoundAsync(FaultKind.Hang, i, cancellationToken);
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                result.Note($"interrupted during {stage}; lost is not checked");
                if (_rounds.LastOrDefault() is { TotalS: null, Unsettled: null } cut)
                {
                    cut.Interrupted = true;
                }

                troubled = true;
            }
            catch (Exception e)
            {
                // The system under test failed (or the machine did); the figures so far still stand, and the cluster is killed below.
                result.Note($"stopped during {stage}: {e.GetType().Name}: {e.Message}");
                troubled = true;
            }

            if (setUp && !cancellationToken.IsCancellationRequested)
            {
                lost = await FinalCheckAsync(result, cancellationToken);
            }

            if (setUp)
            {
                var doubles = Checker.Doubles(DateTimeOffset.UtcNow);
                doubled = doubles.Count;
                foreach (var d in doubles.Take(5))
                {
                    result.Note("doubled: " + d);
                }
            }

            troubled |= lost is not 0 || doubled is not 0 || _rounds.Any(r => r.TotalS is null && !r.Interrupted);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException)
        {
            result.Note("interrupted while checking the final state; lost is not checked");
            troubled = true;
        }
        finally
        {
            await DisposeClusterAsync(result, troubled);
        }

        Report(result, setUp, lost, doubled);
        return result;
    }

    /// <summary>Starts the agents and the gateway, creates the guests and waits until each runs once.</summary>
    private async Task SetUpAsync(BenchResult result, CancellationToken cancellationToken)
    {
        _cluster = new LocalCluster(FailoverSettings.Hosts);
        _checker = new OneCopyChecker(_cluster.LedgerDirectory);
        result.Setting("cluster_id", _cluster.ClusterId);
        Progress($"starting {FailoverSettings.HostCount} agents and a gateway (cluster {_cluster.ClusterId}, logs in {_cluster.WorkDirectory})");
        await _cluster.StartAsync().WaitAsync(cancellationToken);

        Progress($"creating {FailoverSettings.VmCount} guests");
        for (var i = 0; i < FailoverSettings.VmCount; i++)
        {
            await _cluster.Vms.CreateVmAsync(
                new CreateVmRequest
                {
                    VmId = VmIds[i],
                    Resources = new Resources
                    {
                        Vcpus = FailoverSettings.VmVcpus,
                        MemoryMib = FailoverSettings.VmMemoryMib,
                        DiskGib = FailoverSettings.VmDiskGib,
                    },
                },
                deadline: DateTime.UtcNow + CreateCallTimeout,
                cancellationToken: cancellationToken);
        }

        var settled = await SettleAsync(dead: null, DateTimeOffset.UtcNow, _writtenOff, cancellationToken);
        if (settled.At is null)
        {
            throw new TimeoutException($"the new guests did not all run within {_settings.SettleTimeout.TotalSeconds:0} s: {settled.Problem}");
        }

        MarkLogs();
        _coordinatorHost = FailoverSettings.Hosts.Select(h => h.HostId).Where(h => LogSince(h, 0).Contains(CoordinatorActivated, StringComparison.Ordinal)).LastOrDefault();
        var spread = (await ListVmsAsync(cancellationToken)).GroupBy(v => v.HostId).OrderBy(g => g.Key, StringComparer.Ordinal);
        Progress("guests per host: " + string.Join(", ", spread.Select(g => $"{g.Key}={g.Count()}"))
            + $"; coordinator on {_coordinatorHost ?? "?"}");
    }

    /// <summary>One fault: pick a victim, inject, time the settling, read the failover record, restore.</summary>
    private async Task RoundAsync(FaultKind kind, int number, CancellationToken cancellationToken)
    {
        var (host, guests) = await PickVictimAsync(cancellationToken);
        var round = new FailoverRound(kind, number, host, guests) { CoordinatorBefore = _coordinatorHost };
        _rounds.Add(round);
        MarkLogs();
        if (round.Kind == FaultKind.Kill)
        {
            round.FaultAt = Cluster.KillAgent(host);
            Checker.Killed(host, round.FaultAt);
            await MeasureAsync(round, cancellationToken);
        }
        else
        {
            var agent = Cluster.Agent(host);
            agent.Signal("STOP");
            round.FaultAt = DateTimeOffset.UtcNow;
            Checker.Frozen(host, round.FaultAt);
            try
            {
                await MeasureAsync(round, cancellationToken);
            }
            finally
            {
                Checker.Continued(host, DateTimeOffset.UtcNow);
                agent.Signal("CONT");
            }

            // As the chaos test: time for the continued agent to learn it was declared dead and act on it.
            await Task.Delay(OneCopyChecker.ResumeGrace + TimeSpan.FromSeconds(2), cancellationToken);
            round.AfterContinue = agent.HasExited ? "exited" : "kept running";
        }

        var restarted = await RestoreAsync(round, cancellationToken);
        await ReadOtherFailoversAsync(round, cancellationToken);
        ScanLogs(round);
        if (round.TotalS is null)
        {
            await WriteOffAsync(round, round.LastBad, cancellationToken);
        }

        if (round.Kind == FaultKind.Hang)
        {
            round.AfterContinue = restarted.Contains(host) ? round.AfterContinue + ", restarted" : round.AfterContinue + ", rejoined";
        }

        Progress(round.Describe());
    }

    /// <summary>Times the settling, then reads the victim's failover record and the coordinator's moves.</summary>
    private async Task MeasureAsync(FailoverRound round, CancellationToken cancellationToken)
    {
        var settled = await SettleAsync(round.Host, round.FaultAt, _writtenOff, cancellationToken);
        if (settled.At is { } at)
        {
            round.TotalS = (at - round.FaultAt).TotalSeconds;
            round.LastStartS = settled.LastStart is { } last && last > round.FaultAt ? (last - round.FaultAt).TotalSeconds : null;
        }
        else
        {
            round.Unsettled = $"after {_settings.SettleTimeout.TotalSeconds:0} s, {settled.Bad?.Count.ToString(CultureInfo.InvariantCulture) ?? "?"} guest(s) not: {settled.Problem}";
            round.LastBad = settled.Bad;
        }

        await ReadFailoverAsync(round, cancellationToken);
        ScanLogs(round);
        round.DoublesSoFar = Checker.Doubles(DateTimeOffset.UtcNow).Count;
    }

    /// <summary>What the agents logged since the round began: where the coordinator activated, and which other hosts fenced themselves.</summary>
    private void ScanLogs(FailoverRound round)
    {
        var activations = new List<(TimeSpan At, string Host)>();
        foreach (var host in FailoverSettings.Hosts.Select(h => h.HostId))
        {
            foreach (var line in LogSince(host, _logMarks.GetValueOrDefault(host)).Split('\n'))
            {
                if (line.Contains(CoordinatorActivated, StringComparison.Ordinal))
                {
                    activations.Add((SinceFault(line, round.FaultAt), host));
                }
                else if (line.Contains($"Host {round.Host} declared Down", StringComparison.Ordinal))
                {
                    round.DeclaredOn ??= host;
                }
                else if (host != round.Host && line.Contains(SelfFence, StringComparison.Ordinal) && !round.SelfFenced.Contains(host))
                {
                    round.SelfFenced.Add(host);
                }
            }
        }

        activations.Sort((a, b) => a.At.CompareTo(b.At));
        round.CoordinatorActivations = activations
            .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Host} at {a.At.TotalSeconds:F1} s"))
            .ToList();
        if (activations.Count > 0)
        {
            _coordinatorHost = activations[^1].Host;
        }
    }

    /// <summary>
    /// A log line's time (its "HH:mm:ss.fff " prefix, local time) less the fault's; wraps at midnight. Zero when the line
    /// has no time.
    /// </summary>
    private static TimeSpan SinceFault(string line, DateTimeOffset faultAt)
    {
        if (line.Length < 12 || !TimeOnly.TryParseExact(line.AsSpan(0, 12), "HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return TimeSpan.Zero;
        }

        var since = time.ToTimeSpan() - faultAt.ToLocalTime().TimeOfDay;
        return since < -TimeSpan.FromHours(12) ? since + TimeSpan.FromDays(1)
            : since > TimeSpan.FromHours(12) ? since - TimeSpan.FromDays(1)
            : since;
    }

    /// <summary>Failover records declared since the round's fault other than the victim's first one (read once the round is restored).</summary>
    private async Task ReadOtherFailoversAsync(FailoverRound round, CancellationToken cancellationToken)
    {
        try
        {
            var response = await new FailoverService.FailoverServiceClient(Cluster.Channel).ListFailoversAsync(
                new ListFailoversRequest { PageSize = 100 },
                deadline: CallDeadline(),
                cancellationToken: cancellationToken);
            round.OtherFailovers = response.Failovers
                .Where(f => f.DeclaredTime is not null && f.DeclaredTime.ToDateTimeOffset() >= round.FaultAt - TimeSpan.FromSeconds(1) && f.FailoverId != round.FailoverId)
                .OrderBy(f => f.DeclaredTime.ToDateTimeOffset())
                .Select(f => string.Create(CultureInfo.InvariantCulture,
                    $"{f.FailoverId} ({f.Cause}, declared at {(f.DeclaredTime.ToDateTimeOffset() - round.FaultAt).TotalSeconds:F1} s, {f.RestartedCount} restarted, {f.Phase})"))
                .ToList();
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            round.OtherFailovers = [$"? (ListFailovers failed: {e.StatusCode})"];
        }
    }

    private sealed record Settled(DateTimeOffset? At, DateTimeOffset? LastStart, string? Problem, IReadOnlyList<string>? Bad);

    /// <summary>
    /// Polls until every guest (but those in <paramref name="ignore"/>) is Running on a live host (not
    /// <paramref name="dead"/>) per the API and the ledger shows exactly one running copy of it, at the record's host and
    /// epoch; bounded by the settle timeout from <paramref name="from"/>. Returns when it was seen so, or the last
    /// unmet condition and the guests that did not meet it (null when the state could not be read at all).
    /// </summary>
    private async Task<Settled> SettleAsync(string? dead, DateTimeOffset from, IReadOnlySet<string> ignore, CancellationToken cancellationToken)
    {
        var deadline = from + _settings.SettleTimeout;
        string? problem = "not polled";
        IReadOnlyList<string>? bad = null;
        while (true)
        {
            try
            {
                var vms = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = PageSize }, deadline: CallDeadline(), cancellationToken: cancellationToken)).Vms;
                var now = DateTimeOffset.UtcNow;
                var check = Check(vms, dead, now, ignore);
                if (check.Bad is [])
                {
                    return check with { At = now };
                }

                (problem, bad) = (check.Problem, check.Bad);
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                problem = $"ListVms failed: {e.StatusCode}: {e.Status.Detail}";
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                return new Settled(null, null, problem, bad);
            }

            await Task.Delay(_settings.PollInterval, cancellationToken);
        }
    }

    /// <summary>The guests (but those in <paramref name="ignore"/>) that are not settled, the first reason, and the latest start among the settled copies.</summary>
    private Settled Check(IReadOnlyCollection<Vm> vms, string? dead, DateTimeOffset now, IReadOnlySet<string> ignore)
    {
        var running = Checker.Intervals(now).Where(i => i.To >= now).GroupBy(i => i.Vm, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var listed = vms.Select(v => v.VmId).ToHashSet(StringComparer.Ordinal);
        var bad = VmIds.Where(id => !listed.Contains(id) && !ignore.Contains(id)).ToList();
        string? problem = bad.Count > 0 ? $"{bad.Count} guest(s) missing from ListVms, first {bad[0]}" : null;
        var lastStart = DateTimeOffset.MinValue;
        foreach (var vm in vms.Where(v => !ignore.Contains(v.VmId)).OrderBy(v => v.VmId, StringComparer.Ordinal))
        {
            string? why = null;
            if (vm.State != VmState.Running || vm.HostId.Length == 0 || vm.HostId == dead)
            {
                why = $"{vm.VmId} is {vm.State} on '{vm.HostId}'";
            }
            else if (!running.TryGetValue(vm.VmId, out var copies))
            {
                why = $"{vm.VmId}: no running copy in the ledger (record: {vm.HostId} e{vm.Epoch})";
            }
            else if (copies.Count != 1 || copies[0].Host != vm.HostId || copies[0].Epoch != vm.Epoch)
            {
                why = $"{vm.VmId}: ledger shows {string.Join(' ', copies)}, record says {vm.HostId} e{vm.Epoch}";
            }
            else if (copies[0].From > lastStart)
            {
                lastStart = copies[0].From;
            }

            if (why is not null)
            {
                bad.Add(vm.VmId);
                problem ??= why;
            }
        }

        return new Settled(null, bad.Count == 0 ? lastStart : null, problem, bad);
    }

    /// <summary>
    /// After a round that did not settle: the guests still not running exactly once are left out of later rounds'
    /// settling (else every later round would wait them out too); they count in lost unless they recover by the end.
    /// </summary>
    private async Task WriteOffAsync(FailoverRound round, IReadOnlyList<string>? lastBad, CancellationToken cancellationToken)
    {
        var bad = lastBad ?? [];
        try
        {
            var vms = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = PageSize }, deadline: CallDeadline(), cancellationToken: cancellationToken)).Vms;
            bad = Check(vms, dead: null, DateTimeOffset.UtcNow, _writtenOff).Bad ?? bad;
        }
        catch (RpcException) when (!cancellationToken.IsCancellationRequested)
        {
            // keep the round's last reading
        }

        round.WrittenOff = bad.Where(id => _writtenOff.Add(id)).ToList();
    }

    /// <summary>
    /// The victim's failover record declared since t0 (the first, if there are several), polled until it has
    /// completed_time (bounded): detect = declared − t0, fence_wait = max(0, fence − declared),
    /// restart = completed − max(fence, declared).
    /// </summary>
    private async Task ReadFailoverAsync(FailoverRound round, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + FailoverRecordWait;
        HostGrid.Api.V1.Failover? record = null;
        string? problem = null;
        while (true)
        {
            try
            {
                var response = await new FailoverService.FailoverServiceClient(Cluster.Channel).ListFailoversAsync(
                    new ListFailoversRequest { HostId = round.Host, PageSize = 20 },
                    deadline: CallDeadline(),
                    cancellationToken: cancellationToken);
                var since = response.Failovers
                    .Where(f => f.DeclaredTime is not null && f.DeclaredTime.ToDateTimeOffset() >= round.FaultAt - TimeSpan.FromSeconds(1))
                    .OrderBy(f => f.DeclaredTime.ToDateTimeOffset())
                    .ToList();
                round.FailoverRecords = since.Count;
                record = since.FirstOrDefault() ?? record;
                problem = record is null ? "none declared since the fault" : null;
                if (record?.CompletedTime is not null)
                {
                    break;
                }
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                problem = $"ListFailovers failed: {e.StatusCode}: {e.Status.Detail}";
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                break;
            }

            await Task.Delay(RestorePoll, cancellationToken);
        }

        if (record is null)
        {
            round.FailoverProblem = problem;
            return;
        }

        round.FailoverId = record.FailoverId;
        round.Cause = record.Cause.ToString();
        round.Restarted = record.RestartedCount;
        round.Pending = record.PendingCount;
        if (record.LastHeartbeatTime is not null)
        {
            round.LastHeartbeatS = (record.LastHeartbeatTime.ToDateTimeOffset() - round.FaultAt).TotalSeconds;
        }

        var declared = record.DeclaredTime.ToDateTimeOffset();
        round.DetectS = (declared - round.FaultAt).TotalSeconds;
        if (record.FenceTime is not null)
        {
            var fence = record.FenceTime.ToDateTimeOffset();
            round.FenceWaitS = Math.Max(0, (fence - declared).TotalSeconds);
            if (record.CompletedTime is not null)
            {
                round.RestartS = (record.CompletedTime.ToDateTimeOffset() - (fence > declared ? fence : declared)).TotalSeconds;
            }
        }

        if (record.CompletedTime is null)
        {
            round.FailoverProblem = $"{record.FailoverId} still {record.Phase} {FailoverRecordWait.TotalSeconds:0} s after settling" + (problem is null ? "" : $" ({problem})");
        }
    }

    /// <summary>
    /// Restarts every agent that is not running (the killed one; a continued one that exited) and waits until all hosts
    /// are Up, seen so for a second in a row. Returns the hosts whose agent it restarted; throws on the Up timeout.
    /// </summary>
    private async Task<List<string>> RestoreAsync(FailoverRound round, CancellationToken cancellationToken)
    {
        var restarted = new List<string>();
        var deadline = DateTimeOffset.UtcNow + _settings.UpTimeout;
        DateTimeOffset? upSince = null;
        var state = "not polled";
        while (true)
        {
            foreach (var host in FailoverSettings.Hosts.Select(h => h.HostId))
            {
                if (Cluster.Agent(host).HasExited)
                {
                    if (host != round.Host)
                    {
                        Checker.Killed(host, DateTimeOffset.UtcNow); // its copies stopped when it exited, before now
                        Progress($"{round.Label}: the agent of {host} (not the victim) exited by itself; restarting it");
                    }

                    Cluster.RestartAgent(host);
                    restarted.Add(host);
                    upSince = null;
                }
            }

            try
            {
                var up = (await Cluster.Hosts.ListHostsAsync(
                    new ListHostsRequest { Status = HostStatus.Up, PageSize = PageSize },
                    deadline: CallDeadline(),
                    cancellationToken: cancellationToken)).Hosts;
                state = $"{up.Count} of {FailoverSettings.HostCount} hosts Up ({string.Join(",", up.Select(h => h.HostId).Order(StringComparer.Ordinal))})";
                var now = DateTimeOffset.UtcNow;
                if (up.Count >= FailoverSettings.HostCount)
                {
                    upSince ??= now;
                    if (now - upSince >= UpStable)
                    {
                        return restarted;
                    }
                }
                else
                {
                    upSince = null;
                }
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                state = $"ListHosts failed: {e.StatusCode}: {e.Status.Detail}";
                upSince = null;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new TimeoutException($"after {round.Label}, not all hosts Up within {_settings.UpTimeout.TotalSeconds:0} s: {state}");
            }

            await Task.Delay(RestorePoll, cancellationToken);
        }
    }

    /// <summary>After the last round: how many guests do not run exactly once on a live host (waiting up to the settle timeout).</summary>
    private async Task<int?> FinalCheckAsync(BenchResult result, CancellationToken cancellationToken)
    {
        var settled = await SettleAsync(dead: null, DateTimeOffset.UtcNow, new HashSet<string>(), cancellationToken);
        if (settled.At is not null)
        {
            if (_writtenOff.Count > 0)
            {
                result.Note($"the {_writtenOff.Count} written-off guest(s) ran exactly once again by the end");
            }

            return 0;
        }

        if (settled.Bad is not { } bad)
        {
            result.Note($"lost is null: the final state could not be read ({settled.Problem})");
            return null;
        }

        result.Note($"lost: {bad.Count} guest(s) not running exactly once at the end, after waiting {_settings.SettleTimeout.TotalSeconds:0} s: "
            + $"{string.Join(", ", bad)} (first reason: {settled.Problem})");
        return bad.Count;
    }

    private async Task<(string Host, int Guests)> PickVictimAsync(CancellationToken cancellationToken)
    {
        var byHost = (await ListVmsAsync(cancellationToken))
            .Where(v => v.HostId.Length > 0)
            .GroupBy(v => v.HostId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (byHost.Count == 0)
        {
            throw new InvalidOperationException("no host has guests");
        }

        var pick = byHost[_random.Next(byHost.Count)];
        return (pick.Key, pick.Count());
    }

    /// <summary>ListVms between rounds, when the cluster should answer: retried within the settle timeout.</summary>
    private async Task<IReadOnlyList<Vm>> ListVmsAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + _settings.SettleTimeout;
        while (true)
        {
            try
            {
                return (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = PageSize }, deadline: CallDeadline(), cancellationToken: cancellationToken)).Vms;
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(RestorePoll, cancellationToken);
            }
        }
    }

    private DateTime CallDeadline() => DateTime.UtcNow + _settings.CallTimeout;

    /// <summary>Remembers where each agent's log ends, so a round reads only what was logged during it.</summary>
    private void MarkLogs()
    {
        foreach (var host in FailoverSettings.Hosts.Select(h => h.HostId))
        {
            var log = new FileInfo(Cluster.Agent(host).LogPath);
            _logMarks[host] = log.Exists ? log.Length : 0;
        }
    }

    private string LogSince(string host, long from)
    {
        var path = Cluster.Agent(host).LogPath;
        if (!File.Exists(path))
        {
            return "";
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Kills every process of the cluster; prints the logs' tails when something went wrong; removes the work directory unless --keep-logs.</summary>
    private async Task DisposeClusterAsync(BenchResult result, bool troubled)
    {
        if (_cluster is null)
        {
            return;
        }

        if (troubled)
        {
            var logs = Directory.Exists(_cluster.WorkDirectory) ? Directory.GetFiles(_cluster.WorkDirectory, "*.log") : [];
            foreach (var log in logs.Order(StringComparer.Ordinal))
            {
                await Console.Error.WriteLineAsync($"-- last lines of {Path.GetFileName(log)}");
                foreach (var line in File.ReadLines(log).TakeLast(15))
                {
                    await Console.Error.WriteLineAsync(line);
                }
            }
        }

        var cluster = _cluster;
        _cluster = null;
        await cluster.DisposeAsync();
        if (_settings.KeepLogs)
        {
            result.Note($"logs and ledgers kept in {cluster.WorkDirectory}");
            return;
        }

        try
        {
            Directory.Delete(cluster.WorkDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result.Note($"could not remove {cluster.WorkDirectory}: {e.Message}");
        }
    }

    /// <param name="started">Whether the cluster got to the rounds; if not, the counts are null rather than 0.</param>
    private void Report(BenchResult result, bool started, int? lost, int? doubled)
    {
        // A round cut short by Ctrl-C or SIGTERM is listed in the notes but not counted.
        var kills = _rounds.Where(r => r.Kind == FaultKind.Kill && !r.Interrupted).ToList();
        var hangs = _rounds.Where(r => r.Kind == FaultKind.Hang && !r.Interrupted).ToList();
        var killTotals = Values(kills, r => r.TotalS);
        var hangTotals = Values(hangs, r => r.TotalS);
        long? Count(long n) => started ? n : null;

        result.Add("kills", Count(kills.Count));
        result.Add("p50_s", NearestRank.Of(killTotals, 50), "s");
        result.Add("p99_s", NearestRank.Of(killTotals, 99), "s");
        result.Add("max_s", killTotals.Count == 0 ? null : killTotals.Max(), "s");
        result.Add("detect_p50_s", NearestRank.Of(Values(kills, r => r.DetectS), 50), "s");
        result.Add("fence_wait_p50_s", NearestRank.Of(Values(kills, r => r.FenceWaitS), 50), "s");
        result.Add("restart_p50_s", NearestRank.Of(Values(kills, r => r.RestartS), 50), "s");
        result.Add("hangs", Count(hangs.Count));
        result.Add("hang_p50_s", NearestRank.Of(hangTotals, 50), "s");
        result.Add("hang_p99_s", NearestRank.Of(hangTotals, 99), "s");
        result.Add("lost", lost);
        result.Add("doubled", doubled);

        // Extras, not in BENCH.md.
        result.Add("unsettled", Count(_rounds.Count(r => r.TotalS is null && !r.Interrupted)));
        result.Add("last_start_p50_s", NearestRank.Of(Values(kills, r => r.LastStartS), 50), "s");
        result.Add("hang_max_s", hangTotals.Count == 0 ? null : hangTotals.Max(), "s");
        result.Add("hang_detect_p50_s", NearestRank.Of(Values(hangs, r => r.DetectS), 50), "s");
        result.Add("hang_fence_wait_p50_s", NearestRank.Of(Values(hangs, r => r.FenceWaitS), 50), "s");
        result.Add("hang_restart_p50_s", NearestRank.Of(Values(hangs, r => r.RestartS), 50), "s");
        result.Add("other_failovers", Count(_rounds.Sum(r => r.OtherFailovers.Count)));
        result.Add("self_fenced", Count(_rounds.Sum(r => r.SelfFenced.Count)));
        result.Add("written_off", Count(_writtenOff.Count));

        result.Measured = kills.Count > 0 ? killTotals.Count > 0 : hangTotals.Count > 0;

        if (killTotals.Count > 0 || hangTotals.Count > 0)
        {
            result.Note($"percentiles are nearest-rank over the rounds that settled ({killTotals.Count} kills, {hangTotals.Count} hangs): "
                + "below 100 samples p99 is the maximum, and p50 of an even count is the lower middle value");
        }

        if (!started)
        {
            result.Note("every figure is null: the cluster did not get to the first round (see the notes above)");
        }
        else
        {
            NoteNull(result, "p50_s", _settings.Kills == 0 ? "no kill round was asked for (--kills 0)" : kills.Count == 0 ? "no kill round ran" : "no kill round settled");
            NoteNull(result, "hang_p50_s", _settings.Hangs == 0 ? "no hang round was asked for (--hangs 0)" : hangs.Count == 0 ? "no hang round ran" : "no hang round settled");
        }

        if (kills.Count > 0 && Values(kills, r => r.RestartS).Count < kills.Count)
        {
            result.Note("the split medians are over the kill rounds whose failover record was read complete; see the rounds below");
        }

        foreach (var round in _rounds)
        {
            result.Note(round.Describe());
        }
    }

    private static void NoteNull(BenchResult result, string key, string why)
    {
        if (result.Get(key) is null)
        {
            result.Note($"{key} is null: {why}");
        }
    }

    private static List<double> Values(IEnumerable<FailoverRound> rounds, Func<FailoverRound, double?> pick) =>
        rounds.Select(pick).OfType<double>().ToList();

    private static void Progress(string line) =>
        Console.Out.WriteLine($"{DateTime.Now:HH:mm:ss} {line}");
}
