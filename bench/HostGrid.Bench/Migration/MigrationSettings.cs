using System.Globalization;
using System.Text.Json.Nodes;

namespace HostGrid.Bench.Migration;

/// <summary>The options of the migration benchmark.</summary>
internal sealed record MigrationSettings(
    IReadOnlyList<int> SizesMib,
    IReadOnlyList<int> DirtyRatesMibPerSecond,
    int Repeats,
    int LoopbackMib,
    int FramePages,
    TimeSpan Timeout)
{
    public const string DefaultSizes = "256,1024,4096";
    public const string DefaultRates = "0,20,100";
    public const int DefaultRepeats = 3;
    public const int DefaultLoopbackMib = 2048;
    public const double DefaultTimeoutSeconds = 120;

    public static IReadOnlyList<string> Help { get; } =
    [
        $"--sizes MIB,...         guest memory sizes (default {DefaultSizes})",
        $"--rates MIBS,...        guest dirty rates in MiB/s (default {DefaultRates})",
        $"--repeats N             migrations per size and rate; downtime_p99_ms is over all of them (default {DefaultRepeats})",
        $"--loopback-mib N        MiB sent over a plain socket first, for the raw loopback throughput (default {DefaultLoopbackMib})",
        $"--frame-pages N         pages per data frame (default {Hypervisor.Simulated.SimulatedHypervisorOptions.DefaultMigrationFramePages})",
        $"--timeout S             MigrationOptions.Timeout of each migration (default {DefaultTimeoutSeconds})",
    ];

    public static MigrationSettings Read(BenchArguments arguments) => new(
        arguments.IntList("sizes", DefaultSizes, 1, 16_384),
        arguments.IntList("rates", DefaultRates, 0, 100_000),
        arguments.Int("repeats", DefaultRepeats, 1, 100),
        arguments.Int("loopback-mib", DefaultLoopbackMib, 16, 65_536),
        arguments.Int("frame-pages", Hypervisor.Simulated.SimulatedHypervisorOptions.DefaultMigrationFramePages, 1, 4096),
        arguments.Seconds("timeout", DefaultTimeoutSeconds, 1, 3600));

    public void WriteTo(Reporting.BenchResult result)
    {
        result.Setting("sizes_mib", new JsonArray(SizesMib.Select(s => (JsonNode?)s).ToArray()));
        result.Setting("dirty_rates_mib_s", new JsonArray(DirtyRatesMibPerSecond.Select(r => (JsonNode?)r).ToArray()));
        result.Setting("repeats", Repeats);
        result.Setting("loopback_mib", LoopbackMib);
        result.Setting("frame_pages", FramePages);
        result.Setting("timeout_s", Timeout.TotalSeconds);
        result.Setting("max_downtime_ms", Core.Migration.MigrationOptions.DefaultMaxDowntimeMs);
        result.Setting("hot_set", new JsonObject
        {
            ["fraction"] = Hypervisor.Simulated.SimulatedHypervisorOptions.DefaultHotSetFraction,
            ["write_fraction"] = Hypervisor.Simulated.SimulatedHypervisorOptions.DefaultHotWriteFraction,
        });
    }
}
