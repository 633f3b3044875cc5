using System.Globalization;
using System.Text.Json.Nodes;
using HostGrid.Bench.Reporting;
using HostGrid.Contracts;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Hosts;
using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Bench.Migration;

/// <summary>
/// <c>migration</c>: live migrations of simulated guests (256 MiB to 4 GiB, dirtying 0 to 100 MiB/s) between two simulated
/// hypervisors in this process over loopback TCP, with the real data plane (MessagePack frames, pages generated from versions
/// and verified on arrival). Raw loopback throughput is measured first in the same run, so throughput is a fraction of it.
/// Downtime is from the source's pause until the destination runs the guest. Needs no cluster.
/// </summary>
internal sealed class MigrationBenchmark : IBenchmark
{
    private static readonly VmId Vm = new("bench-1");

    private MigrationSettings? _settings;

    public string Name => "migration";

    public string Summary => "live-migration downtime and throughput vs raw loopback TCP (in-process simulated hypervisors; no cluster)";

    public IReadOnlyList<string> Options => MigrationSettings.Help;

    public void Configure(BenchArguments arguments) => _settings = MigrationSettings.Read(arguments);

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = _settings ?? throw new InvalidOperationException("Configure first");
        var result = new BenchResult(Name);
        settings.WriteTo(result);
        var chunk = settings.FramePages * 4096;

        var loopbacks = new List<double>();
        var rows = new List<MigrationRow>();
        try
        {
            // Warm-up (JIT, socket buffers, page pools): a plain transfer and a small migration, not measured.
            await LoopbackThroughput.MeasureBytesPerSecondAsync(64L << 20, chunk, cancellationToken);
            await MigrateOnceAsync(settings, 64, 100, 1, result, cancellationToken);
            loopbacks.Add(await LoopbackThroughput.MeasureBytesPerSecondAsync((long)settings.LoopbackMib << 20, chunk, cancellationToken));
            Console.Out.WriteLine(Invariant($"raw loopback: {loopbacks[0] / (1 << 20):F0} MiB/s"));
            foreach (var size in settings.SizesMib)
            {
                foreach (var rate in settings.DirtyRatesMibPerSecond)
                {
                    for (var repeat = 0; repeat < settings.Repeats && !cancellationToken.IsCancellationRequested; repeat++)
                    {
                        // The machine is shared and noisy: each migration is compared with a plain transfer of its size just before it.
                        var loopback = await LoopbackThroughput.MeasureBytesPerSecondAsync((long)Math.Max(size, 256) << 20, chunk, cancellationToken);
                        loopbacks.Add(loopback);
                        var row = await MigrateOnceAsync(settings, size, rate, loopback, result, cancellationToken);
                        rows.Add(row);
                        Console.Out.WriteLine(Invariant($"{row.ToJson().ToJsonString()}  (loopback {loopback / (1 << 20):F0} MiB/s)"));
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            result.Note($"a plain loopback transfer failed ({e.Message}); the rows before it stand");
        }

        var loopbackMedian = Percentiles.Of(loopbacks, 50);
        var downtimes = rows.Where(r => r.Converged && r.DowntimeMs is not null).Select(r => r.DowntimeMs!.Value).ToList();
        result.Add("loopback_mib_s", loopbackMedian / (1 << 20), "MiB/s", 0);
        result.Add("downtime_p99_ms", Percentiles.Of(downtimes, 99), "ms");
        result.Add("downtime_max_ms", downtimes.Count == 0 ? null : downtimes.Max(), "ms");
        var fractions = rows.Where(r => r.Converged && r.DirtyMibPerSecond == 0).Select(r => r.ThroughputFraction ?? 0).ToList();
        result.Add("throughput_frac_min_idle", fractions.Count == 0 ? null : fractions.Min(), "", 3);
        result.Table("rows", new JsonArray(rows.Select(r => (JsonNode?)r.ToJson()).ToArray()));
        result.Note("loopback_mib_s is the median of plain socket transfers, one before each migration (throughput_frac compares each migration with the one just before it)");
        result.Note("total_s runs from PrepareIncoming to ActivateIncoming; downtime_ms from the source's pause to the destination running the guest (switch_over_ms: to the destination's acknowledgement of a verified copy); rounds are pre-copy rounds (the full pass included)");
        if (downtimes.Count == 0)
        {
            result.Note("downtime_p99_ms is null: no migration converged");
        }

        result.Measured = rows.Count > 0 && downtimes.Count > 0;
        return result;
    }

    private static async Task<MigrationRow> MigrateOnceAsync(
        MigrationSettings settings, int sizeMib, int rateMib, double loopback, BenchResult result, CancellationToken cancellationToken)
    {
        var options = new SimulatedHypervisorOptions
        {
            StartLatency = TimeSpan.Zero,
            DirtyRateMibPerSecond = rateMib,
            MigrationFramePages = settings.FramePages,
        };
        var migration = new MigrationOptions { Timeout = settings.Timeout };
        using var source = new SimulatedHypervisor(new HostId("bench-src"), options, TimeProvider.System, migration);
        using var destination = new SimulatedHypervisor(new HostId("bench-dst"), options, TimeProvider.System, migration);
        var spec = new GuestSpec(new ResourceAmounts(2, sizeMib, 10), new Dictionary<string, string>());
        var ticket = new MigrationTicket("bench-op", Vm, 1, 2);
        await source.StartAsync(Vm, spec, ticket.SourceEpoch, cancellationToken);
        _ = await source.ListAsync(cancellationToken);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var started = TimeProvider.System.GetTimestamp();
        try
        {
            var endpoint = await destination.PrepareIncomingAsync(ticket, spec, cancellationToken);
            var moved = await source.MigrateOutAsync(ticket, endpoint, null, cancellationToken);
            await destination.ActivateIncomingAsync(ticket, cancellationToken);
            var activated = TimeProvider.System.GetUtcNow();
            var total = TimeProvider.System.GetElapsedTime(started);
            var downtime = (activated - moved.PausedAt).TotalMilliseconds;
            var effective = moved.BytesSent / total.TotalSeconds;
            await source.StopAsync(Vm, cancellationToken);
            return new MigrationRow(sizeMib, rateMib, total.TotalSeconds, downtime, moved.SwitchOverDuration.TotalMilliseconds, moved.Rounds,
                moved.BytesSent, effective / loopback, true, moved.ThrottlePercent);
        }
        catch (MigrationFailedException e)
        {
            result.Note(Invariant($"{sizeMib} MiB at {rateMib} MiB/s did not migrate: {e.Message}"));
            return new MigrationRow(sizeMib, rateMib, TimeProvider.System.GetElapsedTime(started).TotalSeconds, null, null, null, null, null, false, null);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
