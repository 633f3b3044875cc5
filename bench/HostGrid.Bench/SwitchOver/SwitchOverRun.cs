using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using HostGrid.Api.V1;
using HostGrid.Bench.Reporting;
using HostGrid.Bench.Running;

namespace HostGrid.Bench.SwitchOver;

/// <summary>
/// One run of the switchover benchmark: per memory size and dirty rate one guest, created on the first of two Up hosts,
/// migrated back and forth between them (warm-ups first, untimed), each migration followed on its operation until it
/// ends; and the clean-up that deletes every guest this run created, also after a timeout or an interrupt.
/// </summary>
internal sealed class SwitchOverRun : IDisposable
{
    private const int HostPageSize = 1000;

    private readonly SwitchOverSettings _settings;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly GrpcChannel _channel;
    private readonly VmService.VmServiceClient _vms;
    private readonly HostService.HostServiceClient _hosts;
    private readonly OperationService.OperationServiceClient _operations;

    // Guests that exist or may exist (a create whose answer was lost may still complete): the clean-up deletes them.
    private readonly HashSet<string> _live = new(StringComparer.Ordinal);
    private readonly List<SwitchOverRow> _rows = [];
    private int _guests;

    public SwitchOverRun(SwitchOverSettings settings)
    {
        _settings = settings;
        _channel = GatewayChannel.Open(settings.Gateway);
        _vms = new VmService.VmServiceClient(_channel);
        _hosts = new HostService.HostServiceClient(_channel);
        _operations = new OperationService.OperationServiceClient(_channel);
    }

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var result = new BenchResult("switchover");
        _settings.WriteTo(result);
        result.Setting("run_id", _runId);
        result.Setting("load_average_start", LoadAverage.Read());

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_settings.Timeout);
        try
        {
            var hosts = await UpHostsAsync(bounded.Token);
            result.Setting("hosts", new JsonArray(hosts.Take(2).Select(h => (JsonNode?)h).ToArray()));
            if (hosts.Count < 2)
            {
                result.Note($"only {hosts.Count} Up host(s) at the gateway; a migration needs two");
            }
            else
            {
                foreach (var size in _settings.SizesMib)
                {
                    foreach (var rate in _settings.DirtyRatesMibPerSecond)
                    {
                        bounded.Token.ThrowIfCancellationRequested();
                        var row = new SwitchOverRow(size, rate);
                        _rows.Add(row);
                        await RunGuestAsync(row, hosts[0], hosts[1], result, bounded.Token);
                    }
                }
            }
        }
        catch (Exception e) when (bounded.IsCancellationRequested && e is OperationCanceledException or RpcException)
        {
            var done = _rows.Sum(r => r.Samples.Count);
            result.Note(cancellationToken.IsCancellationRequested
                ? $"interrupted after {done} timed migrations; those stand"
                : Invariant($"stopped by --timeout {_settings.Timeout.TotalSeconds:0} s after {done} timed migrations; those stand"));
        }
        catch (RpcException e)
        {
            result.Note($"gateway {_settings.Gateway.OriginalString} failed: {e.StatusCode}: {e.Status.Detail}");
        }
        finally
        {
            await CleanUpAsync(result);
        }

        result.Setting("load_average_end", LoadAverage.Read());
        Report(result);
        return result;
    }

    public void Dispose() => _channel.Dispose();

    /// <summary>The Up hosts, in the gateway's order.</summary>
    private async Task<List<string>> UpHostsAsync(CancellationToken cancellationToken)
    {
        var hosts = new List<string>();
        var request = new ListHostsRequest { PageSize = HostPageSize, Status = HostStatus.Up };
        do
        {
            var page = await _hosts.ListHostsAsync(request, Call(cancellationToken));
            hosts.AddRange(page.Hosts.Where(h => !h.Maintenance).Select(h => h.HostId));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return hosts;
    }

    /// <summary>
    /// One guest: create it on <paramref name="first"/>, wait until it runs, migrate it back and forth, delete it. A guest that
    /// cannot be created or started leaves its row empty, with a note.
    /// </summary>
    private async Task RunGuestAsync(SwitchOverRow row, string first, string second, BenchResult result, CancellationToken cancellationToken)
    {
        var id = $"bench-{_runId}-{++_guests}";
        var what = $"{row.MemoryMib} MiB at {row.DirtyMibPerSecond} MiB/s ({id})";
        try
        {
            if (!await CreateAsync(id, row, first, result, what, cancellationToken)
                || await WaitRunningAsync(id, result, what, cancellationToken) is not { } host)
            {
                return;
            }

            if (host != first && host != second)
            {
                result.Note($"{what}: created on {host}, not on {first} as asked; no migrations for this guest");
                return;
            }

            for (var i = 0; i < _settings.Warmup + _settings.Repeats; i++)
            {
                var timed = i >= _settings.Warmup;
                var number = timed ? i - _settings.Warmup + 1 : i + 1;
                var target = host == first ? second : first;
                var sample = await MigrateOnceAsync(id, row, number, host, target, cancellationToken);
                Console.Out.WriteLine($"{(timed ? "" : "warm-up ")}{what} #{number}: {Describe(sample)}");
                (timed ? row.Samples : row.Warmups).Add(sample);

                if (!sample.Succeeded)
                {
                    result.Note($"{(timed ? "" : "warm-up (not counted) ")}{what} #{number} {sample.From}->{sample.To} did not succeed: {sample.State}: {sample.Message}");
                    if (sample.State == nameof(OperationState.Running))
                    {
                        result.Note($"{what}: the operation {sample.OperationId} did not end even after CancelOperation; no more migrations for this guest");
                        return;
                    }
                }

                host = sample.Succeeded ? target : (await GetVmAsync(id, cancellationToken)).HostId;
                if (host != first && host != second)
                {
                    result.Note($"{what}: the guest is on {host} after the migration, neither {first} nor {second}; no more migrations for this guest");
                    return;
                }

                await Task.Delay(_settings.Settle, cancellationToken);
            }
        }
        finally
        {
            // Deleted as soon as its row is done (an idle TCG guest still costs CPU); after a timeout or an interrupt the
            // clean-up does it.
            if (!cancellationToken.IsCancellationRequested && _live.Contains(id))
            {
                await DeleteAsync(id, errors: null, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Creates the guest on <paramref name="host"/>. Right after the cluster comes Up a host may still be Joining, or a silo
    /// not yet reachable: such refusals are retried for <see cref="SwitchOverSettings.CreateRetryWindow"/>.
    /// </summary>
    private async Task<bool> CreateAsync(string id, SwitchOverRow row, string host, BenchResult result, string what, CancellationToken cancellationToken)
    {
        var request = new CreateVmRequest
        {
            VmId = id,
            Resources = new Resources { Vcpus = SwitchOverSettings.VmVcpus, MemoryMib = row.MemoryMib, DiskGib = SwitchOverSettings.VmDiskGib },
            TargetHostId = host,
            Labels = { SwitchOverSettings.GuestLabels(row.MemoryMib, row.DirtyMibPerSecond) },
        };
        request.Labels["bench"] = "switchover";
        request.Labels["bench-run"] = _runId;

        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            _live.Add(id);
            try
            {
                await _vms.CreateVmAsync(request, Call(cancellationToken));
                return true;
            }
            catch (RpcException e) when (attempt > 1 && e.StatusCode == StatusCode.AlreadyExists)
            {
                return true; // an earlier attempt whose answer was lost created it
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested && IsTransient(e)
                && Stopwatch.GetElapsedTime(started) < SwitchOverSettings.CreateRetryWindow)
            {
                await Task.Delay(SwitchOverSettings.CreateRetryDelay, cancellationToken);
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                if (e.StatusCode is StatusCode.InvalidArgument or StatusCode.AlreadyExists or StatusCode.ResourceExhausted && attempt == 1)
                {
                    _live.Remove(id); // refused outright: nothing of ours to delete
                }

                result.Note($"{what}: CreateVm on {host} failed after {attempt} attempt(s): {e.StatusCode}: {e.Status.Detail}; no migrations for this guest");
                return false;
            }
        }
    }

    private static bool IsTransient(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.FailedPrecondition or StatusCode.DeadlineExceeded => true,
        StatusCode.ResourceExhausted => e.Status.Detail.Contains("Joining", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>Reads the guest until it is RUNNING; its host then, or null (with a note) when it failed or took too long.</summary>
    private async Task<string?> WaitRunningAsync(string id, BenchResult result, string what, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Vm vm;
        while (true)
        {
            vm = await GetVmAsync(id, cancellationToken);
            if (vm.State == VmState.Running)
            {
                return vm.HostId;
            }

            if (vm.State == VmState.Failed || Stopwatch.GetElapsedTime(started) >= _settings.ReadyTimeout)
            {
                break;
            }

            await Task.Delay(SwitchOverSettings.ReadyPollInterval, cancellationToken);
        }

        result.Note(Invariant($"{what}: not RUNNING after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s (state {vm.State}: \"{vm.StatusMessage}\"); no migrations for this guest"));
        return null;
    }

    private Task<Vm> GetVmAsync(string id, CancellationToken cancellationToken) =>
        _vms.GetVmAsync(new GetVmRequest { Name = id }, Call(cancellationToken)).ResponseAsync;

    /// <summary>
    /// Migrates the guest to <paramref name="to"/> and reads its operation every <see cref="SwitchOverSettings.PollInterval"/>
    /// until it ends, at most --migration-timeout; one still running then is cancelled.
    /// </summary>
    private async Task<SwitchOverSample> MigrateOnceAsync(string id, SwitchOverRow row, int number, string from, string to, CancellationToken cancellationToken)
    {
        Operation operation;
        try
        {
            operation = await _vms.MigrateVmAsync(new MigrateVmRequest { Name = id, TargetHostId = to }, Call(cancellationToken));
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return SwitchOverSample.Failed(row.MemoryMib, row.DirtyMibPerSecond, number, from, to, null, "Refused", $"MigrateVm: {e.StatusCode}: {e.Status.Detail}");
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_settings.MigrationTimeout);
        try
        {
            operation = await FollowAsync(operation, bounded.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException && bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var phase = operation.Phase;
            operation = await CancelAsync(operation, cancellationToken);
            return SwitchOverSample.Failed(row.MemoryMib, row.DirtyMibPerSecond, number, from, to, operation.OperationId, operation.State.ToString(),
                Invariant($"still running (phase {phase}) after --migration-timeout {_settings.MigrationTimeout.TotalSeconds:0} s; cancelled, then {operation.State}: {operation.Message}"));
        }

        return FromOperation(operation, row, number, from, to);
    }

    /// <summary>Reads the operation until it is no longer RUNNING. A read that fails for a moment is tried again at the next poll.</summary>
    private async Task<Operation> FollowAsync(Operation operation, CancellationToken cancellationToken)
    {
        while (operation.State == OperationState.Running)
        {
            await Task.Delay(SwitchOverSettings.PollInterval, cancellationToken);
            try
            {
                operation = await _operations.GetOperationAsync(new GetOperationRequest { Name = operation.Name }, Call(cancellationToken));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && !cancellationToken.IsCancellationRequested)
            {
                // the next poll reads it again
            }
        }

        return operation;
    }

    /// <summary>Asks a migration that ran too long to stop, and follows it for at most --call-timeout more.</summary>
    private async Task<Operation> CancelAsync(Operation operation, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_settings.CallTimeout);
        try
        {
            operation = await _operations.CancelOperationAsync(new CancelOperationRequest { Name = operation.Name }, Call(bounded.Token));
            return await FollowAsync(operation, bounded.Token);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            // Finished meanwhile, or committed (it then rolls forward): read where it stands.
            try
            {
                return await FollowAsync(
                    await _operations.GetOperationAsync(new GetOperationRequest { Name = operation.Name }, Call(bounded.Token)), bounded.Token);
            }
            catch (Exception inner) when (inner is OperationCanceledException or RpcException)
            {
                return operation;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
            return operation;
        }
    }

    /// <summary>The figures of an ended operation; only a SUCCEEDED one has any.</summary>
    private static SwitchOverSample FromOperation(Operation operation, SwitchOverRow row, int number, string from, string to)
    {
        if (operation.State != OperationState.Succeeded)
        {
            return SwitchOverSample.Failed(row.MemoryMib, row.DirtyMibPerSecond, number, from, to, operation.OperationId, operation.State.ToString(), operation.Message);
        }

        return new SwitchOverSample(
            row.MemoryMib,
            row.DirtyMibPerSecond,
            number,
            from,
            to,
            operation.OperationId,
            true,
            operation.State.ToString(),
            operation.Downtime?.ToTimeSpan().TotalMilliseconds,
            operation.HypervisorDowntime?.ToTimeSpan().TotalMilliseconds,
            operation.Round > 0 ? operation.Round : null,
            operation.Round > 0 ? operation.BytesSent : null,
            operation.Round > 0 ? operation.ThrottlePercent : null,
            operation.CreateTime is { } created && operation.CompleteTime is { } completed
                ? (completed.ToDateTimeOffset() - created.ToDateTimeOffset()).TotalSeconds
                : null,
            operation.Message);
    }

    private static string Describe(SwitchOverSample sample) => sample.Succeeded
        ? Invariant($"{sample.From}->{sample.To} switch-over {Ms(sample.SwitchOverMs)} (QEMU {Ms(sample.HypervisorDowntimeMs)}), {sample.Rounds?.ToString(CultureInfo.InvariantCulture) ?? "?"} rounds, {sample.TotalSeconds:0.00} s")
        : $"{sample.From}->{sample.To} {sample.State}: {sample.Message}";

    private static string Ms(double? value) => value is { } v ? Invariant($"{v:0.0} ms") : "null";

    /// <summary>Deletes one guest; true when it is gone (also when it never existed).</summary>
    private async Task<bool> DeleteAsync(string id, CallErrors? errors, CancellationToken cancellationToken, DateTime? deadline = null)
    {
        try
        {
            await _vms.DeleteVmAsync(new DeleteVmRequest { Name = id }, Call(cancellationToken, deadline));
            _live.Remove(id);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            _live.Remove(id);
            return true;
        }
        catch (RpcException e)
        {
            errors?.Record(e);
            return false;
        }
    }

    /// <summary>
    /// Deletes whatever this run left (after a timeout, an interrupt or a failed delete), a round a second, bounded by
    /// --cleanup-timeout. A guest still migrating refuses the delete until its migration ends, so the rounds go on.
    /// </summary>
    private async Task CleanUpAsync(BenchResult result)
    {
        var retryDelay = TimeSpan.FromSeconds(1);
        using var bounded = new CancellationTokenSource(_settings.CleanupTimeout);
        var deadline = DateTime.UtcNow + _settings.CleanupTimeout;
        var errors = new CallErrors();
        for (var round = 0; _live.Count > 0 && !bounded.IsCancellationRequested; round++)
        {
            if (round > 0)
            {
                try
                {
                    await Task.Delay(retryDelay, bounded.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            errors = new CallErrors();
            foreach (var id in _live.Order(StringComparer.Ordinal).ToArray())
            {
                await DeleteAsync(id, errors, bounded.Token, deadline);
            }
        }

        if (_live.Count > 0)
        {
            result.Note($"{_live.Count} guest(s) may be left behind (delete them by hand): {string.Join(' ', _live.Order(StringComparer.Ordinal))}"
                + (errors.Total > 0 ? "; " + string.Join("; ", errors.Describe()) : string.Empty));
        }
    }

    private CallOptions Call(CancellationToken cancellationToken, DateTime? deadline = null) =>
        new(deadline: deadline ?? DateTime.UtcNow + _settings.CallTimeout, cancellationToken: cancellationToken);

    private void Report(BenchResult result)
    {
        var samples = _rows.SelectMany(r => r.Samples).ToList();
        var measured = _rows.SelectMany(r => r.Measured).ToList();
        var switchOver = measured.Select(s => s.SwitchOverMs!.Value).ToList();
        var hypervisor = measured.Where(s => s.HypervisorDowntimeMs is not null).Select(s => s.HypervisorDowntimeMs!.Value).ToList();
        var attempted = samples.Count > 0;

        result.Add("switchover_p50_ms", Percentiles.Of(switchOver, 50), "ms");
        result.Add("switchover_p99_ms", Percentiles.Of(switchOver, 99), "ms");
        result.Add("switchover_max_ms", switchOver.Count > 0 ? switchOver.Max() : null, "ms");
        result.Add("hypervisor_downtime_p99_ms", Percentiles.Of(hypervisor, 99), "ms (QEMU's own figure)");
        result.Add("migrations", attempted ? samples.Count : null, "timed");
        result.Add("failed", attempted ? samples.Count(s => !s.Succeeded) : null, "timed, not succeeded");
        result.Add("switchover_over_50ms", attempted ? switchOver.Count(ms => ms > 50) : null, "timed, above the 50 ms target");
        result.Measured = switchOver.Count > 0;

        result.Table("rows", new JsonArray(_rows.Select(r => (JsonNode?)r.ToJson()).ToArray()));
        result.Table("samples", new JsonArray(samples.Select(s => (JsonNode?)s.ToJson()).ToArray()));
        result.Table("warmup_samples", new JsonArray(_rows.SelectMany(r => r.Warmups).Select(s => (JsonNode?)s.ToJson()).ToArray()));

        result.Note("switchover_* is each succeeded migration's Operation.downtime as HostGrid records it: from the source QEMU's pause "
            + "(its STOP event) until the destination copy runs, i.e. the last dirty pages, the destination finishing its load "
            + "(ConfirmIncoming), the VM grain's commit of the move to PostgreSQL and the destination's `cont`; over idle (rate 0) "
            + "and dirtying guests alike. hypervisor_downtime_* is Operation.hypervisor_downtime, QEMU's own figure from "
            + "query-migrate. Both are read with GetOperation once the operation has ended, so the 100 ms polling does not enter them.");
        if (!attempted)
        {
            result.Note("migrations and failed are null: no timed migration was started");
        }

        if (switchOver.Count == 0)
        {
            result.Note("switchover_p50_ms, switchover_p99_ms and switchover_max_ms are null: no timed migration succeeded with a downtime figure");
        }

        var withoutDowntime = samples.Count(s => s.Succeeded && s.SwitchOverMs is null);
        if (withoutDowntime > 0)
        {
            result.Note($"{withoutDowntime} succeeded migration(s) carry no downtime (the destination restarted the guest instead of resuming it); left out of the figures");
        }

        if (switchOver.Count > 0 && hypervisor.Count == 0)
        {
            result.Note("hypervisor_downtime_p99_ms is null: no succeeded migration carried hypervisor_downtime (not the QEMU driver?)");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
