using System.Globalization;
using System.Text.Json.Nodes;
using HostGrid.Core.Rebalancing;

namespace HostGrid.Bench.Rebalance;

/// <summary>The options of the rebalance benchmark.</summary>
internal sealed record RebalanceSettings(
    IReadOnlyList<int> HostCounts,
    int VmsPerHost,
    int Seed,
    int Aggressiveness,
    int? MaxMoves,
    int Repeats,
    double HotFraction,
    double PinnedFraction)
{
    public const string DefaultHosts = "10,100,1000";
    public const int DefaultVmsPerHost = 20;
    public const int DefaultSeed = 42;
    public const int DefaultRepeats = 5;
    public const int DefaultHotPercent = 20;
    public const int DefaultPinnedPercent = 5;

    public static IReadOnlyList<string> Help { get; } =
    [
        $"--hosts N,...           cluster sizes (default {DefaultHosts})",
        $"--vms-per-host N        guests per host (default {DefaultVmsPerHost})",
        $"--seed N                seed of the generated clusters (default {DefaultSeed})",
        $"--aggressiveness N      RebalancerOptions.Aggressiveness, 1-5 (default {RebalancerOptions.DefaultAggressiveness})",
        "--max-moves N           move limit of the planner and the greedy baseline alike (default: hosts × vms-per-host, i.e. none)",
        $"--repeats N             timed plans per size; plan_ms is their median (default {DefaultRepeats})",
        $"--hot-percent N         hosts whose guests run hot (default {DefaultHotPercent})",
        $"--pinned-percent N      guests not migratable (default {DefaultPinnedPercent})",
    ];

    public static RebalanceSettings Read(BenchArguments arguments)
    {
        var hosts = arguments.IntList("hosts", DefaultHosts, 2, 100_000);

        var maxMoves = arguments.String("max-moves", null) is null ? (int?)null : arguments.Int("max-moves", 0, 1, 10_000_000);
        return new RebalanceSettings(
            hosts,
            arguments.Int("vms-per-host", DefaultVmsPerHost, 1, 200),
            arguments.Int("seed", DefaultSeed, 0, int.MaxValue),
            arguments.Int("aggressiveness", RebalancerOptions.DefaultAggressiveness, 1, 5),
            maxMoves,
            arguments.Int("repeats", DefaultRepeats, 1, 100),
            arguments.Int("hot-percent", DefaultHotPercent, 1, 99) / 100.0,
            arguments.Int("pinned-percent", DefaultPinnedPercent, 0, 100) / 100.0);
    }

    /// <summary>The planner's options for a cluster of <paramref name="hosts"/> hosts (defaults but the level and the move limit).</summary>
    public RebalancerOptions Options(int hosts) => new()
    {
        Aggressiveness = Aggressiveness,
        MaxMovesPerPass = MaxMoves ?? hosts * VmsPerHost,
    };

    public void WriteTo(Reporting.BenchResult result)
    {
        var options = Options(1);
        result.Setting("hosts", new JsonArray(HostCounts.Select(h => (JsonNode?)h).ToArray()));
        result.Setting("vms_per_host", VmsPerHost);
        result.Setting("seed", Seed);
        result.Setting("aggressiveness", Aggressiveness);
        result.Setting("target_imbalance", options.EffectiveTargetImbalance);
        result.Setting("min_improvement", options.EffectiveMinImprovement);
        result.Setting("max_moves", MaxMoves is { } m ? m : "hosts × vms_per_host");
        result.Setting("headroom_fraction", options.HeadroomFraction);
        result.Setting("cpu_weight", options.CpuWeight);
        result.Setting("memory_weight", options.MemoryWeight);
        result.Setting("repeats", Repeats);
        result.Setting("hot_fraction", HotFraction);
        result.Setting("pinned_fraction", PinnedFraction);
    }
}
