using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using HostGrid.Api.V1;
using HostGrid.Bench.Reporting;
using HostGrid.Bench.Running;

namespace HostGrid.Bench.Placement;

/// <summary>
/// One run of the placement benchmark: warm-up, the timed creates, the deletes, and the clean-up that removes whatever
/// this run created even after a timeout.
/// </summary>
/// <remarks>
/// When the Up hosts cannot hold all the guests at once (the local cluster has 56 vCPUs), the creates run in waves of
/// at most the free room, each wave deleted (untimed for placements) before the next. Filling the room exactly cannot
/// refuse a create: hosts only fill during a wave, so a host that still has room when a create reserves already had
/// room when that create read the hosts, and is among its candidates.
/// </remarks>
internal sealed class PlacementRun : IDisposable
{
    private const int HostPageSize = 1000;

    private readonly PlacementSettings _settings;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly GrpcChannel _channel;
    private readonly VmService.VmServiceClient _vms;
    private readonly HostService.HostServiceClient _hosts;

    // Guests that exist or may exist (a create that timed out may still complete): true when a create answered OK.
    private readonly ConcurrentDictionary<string, bool> _live = new(StringComparer.Ordinal);
    private readonly List<double> _createMs = [];
    private readonly CallErrors _createErrors = new();
    private readonly CallErrors _deleteErrors = new();
    private readonly CallErrors _warmupErrors = new();
    private readonly List<int> _waves = [];
    private TimeSpan _createTime;
    private TimeSpan _deleteTime;
    private int _attempted;
    private int _deleted;
    private int? _firstFreeSlots;

    public PlacementRun(PlacementSettings settings)
    {
        _settings = settings;
        _channel = GatewayChannel.Open(settings.Gateway);
        _vms = new VmService.VmServiceClient(_channel);
        _hosts = new HostService.HostServiceClient(_channel);
    }

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var result = new BenchResult("placement");
        _settings.WriteTo(result);
        result.Setting("run_id", _runId);

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_settings.Timeout);
        try
        {
            await WarmUpAsync(result, bounded.Token);
            await MeasureAsync(result, bounded.Token);
        }
        catch (Exception e) when (bounded.IsCancellationRequested && e is OperationCanceledException or RpcException)
        {
            result.Note(cancellationToken.IsCancellationRequested
                ? $"interrupted after {_attempted} of {_settings.Vms} creates"
                : $"stopped by --timeout {_settings.Timeout.TotalSeconds:0} s after {_attempted} of {_settings.Vms} creates; calls cut short count as errors (Cancelled)");
        }
        catch (RpcException e)
        {
            result.Note($"gateway {_settings.Gateway.OriginalString} failed: {e.StatusCode}: {e.Status.Detail}");
        }
        finally
        {
            await CleanUpAsync(result);
        }

        Report(result);
        return result;
    }

    public void Dispose() => _channel.Dispose();

    private string VmId(int index) => $"bench-{_runId}-{index}";

    /// <summary>Untimed creates and deletes, so JIT tiering, connection pools and grain directories are warm when timing starts.</summary>
    private async Task WarmUpAsync(BenchResult result, CancellationToken cancellationToken)
    {
        if (_settings.Warmup > 0)
        {
            await RunWavesAsync(_settings.Warmup, i => $"bench-{_runId}-w{i}", timed: false, result, cancellationToken);
            if (_warmupErrors.Total > 0)
            {
                result.Note("warm-up errors (not counted): " + string.Join("; ", _warmupErrors.Describe()));
            }
        }
    }

    private Task MeasureAsync(BenchResult result, CancellationToken cancellationToken) =>
        RunWavesAsync(_settings.Vms, VmId, timed: true, result, cancellationToken);

    /// <summary>
    /// Creates <paramref name="count"/> guests in waves that fit the free room, deleting each wave before the next.
    /// Timed waves add to the figures; untimed ones (warm-up) only to the warm-up errors.
    /// </summary>
    private async Task RunWavesAsync(int count, Func<int, string> vmId, bool timed, BenchResult result, CancellationToken cancellationToken)
    {
        var createErrors = timed ? _createErrors : _warmupErrors;
        var deleteErrors = timed ? _deleteErrors : _warmupErrors;
        var next = 0;
        while (next < count)
        {
            var room = await FreeSlotsAsync(cancellationToken);
            if (timed)
            {
                _firstFreeSlots ??= room;
            }

            if (room == 0)
            {
                result.Note($"no Up host has room for a {PlacementSettings.VmVcpus} vCPU / {PlacementSettings.VmMemoryMib} MiB / "
                    + $"{PlacementSettings.VmDiskGib} GiB guest; {(timed ? "timed creates" : "warm-up")} stopped after {next} of {count}");
                return;
            }

            var ids = Enumerable.Range(next, Math.Min(count - next, room)).Select(vmId).ToArray();
            next += ids.Length;

            var clock = Stopwatch.StartNew();
            var started = await BoundedRunner.RunAsync(
                ids.Length, _settings.Concurrency, (i, t) => CreateAsync(ids[i], timed ? _createMs : null, createErrors, t), cancellationToken);
            if (timed)
            {
                _createTime += clock.Elapsed;
                _attempted += started;
                _waves.Add(started);
            }

            cancellationToken.ThrowIfCancellationRequested();

            var created = ids.Where(id => _live.TryGetValue(id, out var confirmed) && confirmed).ToArray();
            var deleted = 0;
            clock.Restart();
            await BoundedRunner.RunAsync(
                created.Length,
                _settings.Concurrency,
                async (i, t) =>
                {
                    if (await DeleteAsync(created[i], deleteErrors, t))
                    {
                        Interlocked.Increment(ref deleted);
                    }
                },
                cancellationToken);
            if (timed)
            {
                _deleteTime += clock.Elapsed;
                _deleted += deleted;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>How many more benchmark guests the Up hosts have room for.</summary>
    private async Task<int> FreeSlotsAsync(CancellationToken cancellationToken)
    {
        var slots = 0L;
        var request = new ListHostsRequest { PageSize = HostPageSize, Status = HostStatus.Up };
        do
        {
            var page = await _hosts.ListHostsAsync(request, Call(cancellationToken));
            foreach (var host in page.Hosts)
            {
                var byCpu = (host.Capacity.Vcpus - host.Allocated.Vcpus) / PlacementSettings.VmVcpus;
                var byMemory = (host.Capacity.MemoryMib - host.Allocated.MemoryMib) / PlacementSettings.VmMemoryMib;
                var byDisk = (host.Capacity.DiskGib - host.Allocated.DiskGib) / PlacementSettings.VmDiskGib;
                slots += Math.Max(0, Math.Min(byCpu, Math.Min(byMemory, byDisk)));
            }

            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return (int)Math.Min(slots, int.MaxValue);
    }

    private async Task CreateAsync(string id, List<double>? latencies, CallErrors errors, CancellationToken cancellationToken)
    {
        var request = new CreateVmRequest
        {
            VmId = id,
            Resources = new Resources
            {
                Vcpus = PlacementSettings.VmVcpus,
                MemoryMib = PlacementSettings.VmMemoryMib,
                DiskGib = PlacementSettings.VmDiskGib,
            },
            Labels = { ["bench"] = "placement", ["bench-run"] = _runId },
        };
        var start = Stopwatch.GetTimestamp();
        try
        {
            await _vms.CreateVmAsync(request, Call(cancellationToken));
            var elapsed = Stopwatch.GetElapsedTime(start);
            _live[id] = true;
            if (latencies is not null)
            {
                lock (latencies)
                {
                    latencies.Add(elapsed.TotalMilliseconds);
                }
            }
        }
        catch (RpcException e)
        {
            errors.Record(e);
            if (e.StatusCode is not (StatusCode.ResourceExhausted or StatusCode.InvalidArgument or StatusCode.AlreadyExists))
            {
                _live.TryAdd(id, false); // the grain may still finish the create: delete it in the clean-up
            }
        }
    }

    /// <summary>Deletes one guest; true when this call removed it. A guest already gone is only an error if its create had answered OK.</summary>
    private async Task<bool> DeleteAsync(string id, CallErrors? errors, CancellationToken cancellationToken, DateTime? deadline = null)
    {
        try
        {
            await _vms.DeleteVmAsync(new DeleteVmRequest { Name = id }, Call(cancellationToken, deadline));
            _live.TryRemove(id, out _);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            if (_live.TryRemove(id, out var confirmed) && confirmed)
            {
                errors?.Record(e);
            }

            return false;
        }
        catch (RpcException e)
        {
            errors?.Record(e);
            return false;
        }
    }

    /// <summary>
    /// Deletes whatever is left (after a timeout, an interrupt, failed deletes or creates whose answer was lost), in a few
    /// rounds bounded by --cleanup-timeout; each call may take the rest of that time, since nothing is measured here.
    /// </summary>
    private async Task CleanUpAsync(BenchResult result)
    {
        const int Rounds = 5;
        var retryDelay = TimeSpan.FromSeconds(1);
        using var bounded = new CancellationTokenSource(_settings.CleanupTimeout);
        var deadline = DateTime.UtcNow + _settings.CleanupTimeout;
        var cleanupErrors = new CallErrors();
        for (var round = 0; round < Rounds && !_live.IsEmpty && !bounded.IsCancellationRequested; round++)
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

            var left = _live.Keys.Order(StringComparer.Ordinal).ToArray();
            cleanupErrors = new CallErrors();
            await BoundedRunner.RunAsync(left.Length, _settings.Concurrency, (i, t) => DeleteAsync(left[i], cleanupErrors, t, deadline), bounded.Token);
        }

        var stuck = _live.Keys.Order(StringComparer.Ordinal).ToArray();
        if (stuck.Length > 0)
        {
            result.Note($"{stuck.Length} guests may be left behind (delete them by hand): {string.Join(' ', stuck.Take(20))}"
                + (stuck.Length > 20 ? " ..." : string.Empty)
                + (cleanupErrors.Total > 0 ? "; " + string.Join("; ", cleanupErrors.Describe()) : string.Empty));
        }
    }

    private CallOptions Call(CancellationToken cancellationToken, DateTime? deadline = null) =>
        new(deadline: deadline ?? DateTime.UtcNow + _settings.CallTimeout, cancellationToken: cancellationToken);

    private void Report(BenchResult result)
    {
        double[] latencies;
        lock (_createMs)
        {
            latencies = [.. _createMs];
        }

        var placed = latencies.Length;
        double? perSecond = placed > 0 && _createTime > TimeSpan.Zero ? placed / _createTime.TotalSeconds : null;
        result.Add("placements_per_s", perSecond, "/s", 1);
        result.Add("p50_ms", Percentiles.Of(latencies, 50), "ms");
        result.Add("p99_ms", Percentiles.Of(latencies, 99), "ms");
        // With no create attempted (gateway down, no room) the counts would read as a clean run: null, and a note says why.
        var attempted = _attempted > 0;
        result.Add("vms", attempted ? _attempted : null, "creates timed");
        result.Add("concurrency", _settings.Concurrency, "in flight");
        result.Add("errors", attempted ? _createErrors.Total : null, "failed creates");
        result.Add("max_ms", latencies.Length > 0 ? latencies.Max() : null, "ms");
        result.Add("delete_per_s", _deleted > 0 && _deleteTime > TimeSpan.Zero ? _deleted / _deleteTime.TotalSeconds : null, "/s (not part of the placement figures)", 1);
        result.Add("delete_errors", attempted ? _deleteErrors.Total : null, "failed deletes");
        result.Measured = perSecond is not null;

        result.Setting("free_slots", _firstFreeSlots);
        result.Setting("waves", new JsonArray(_waves.Select(w => (JsonNode?)w).ToArray()));
        if (_waves.Count > 1)
        {
            result.Note($"the Up hosts had room for {_firstFreeSlots} such guests, so the creates ran in {_waves.Count} waves, each deleted before the next; "
                + "placements_per_s is successful creates over the summed create time of the waves");
        }

        if (!attempted)
        {
            result.Note("vms, errors and delete_errors are null: no timed create was issued");
        }

        if (placed == 0)
        {
            result.Note("placements_per_s, p50_ms, p99_ms and max_ms are null: no create succeeded");
        }

        if (_deleted == 0)
        {
            result.Note("delete_per_s is null: no timed delete succeeded");
        }

        if (_createErrors.Total > 0)
        {
            result.Note("create errors: " + string.Join("; ", _createErrors.Describe()));
        }

        if (_deleteErrors.Total > 0)
        {
            result.Note("delete errors: " + string.Join("; ", _deleteErrors.Describe()));
        }

        result.Note(string.Create(CultureInfo.InvariantCulture, $"timed: {_createTime.TotalSeconds:0.00} s of creates, {_deleteTime.TotalSeconds:0.00} s of deletes; latencies are of successful creates"));
    }
}
