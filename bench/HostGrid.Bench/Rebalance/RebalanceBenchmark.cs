using HostGrid.Contracts.Rebalancing;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using HostGrid.Bench.Reporting;
using HostGrid.Core.Rebalancing;

namespace HostGrid.Bench.Rebalance;

/// <summary>
/// <c>rebalance</c>: the rebalance planner (<see cref="RebalancePlanner"/>, pure, in this process) on generated skewed
/// clusters of each size, next to a naive greedy baseline on the same cluster with the same rules and move limit, and
/// the imbalance lower bound of perfectly divisible load. Needs no cluster.
/// </summary>
internal sealed class RebalanceBenchmark : IBenchmark
{
    private RebalanceSettings? _settings;

    public string Name => "rebalance";

    public string Summary => "rebalance planner time and quality on generated skewed clusters vs a naive greedy and a lower bound (no cluster)";

    public IReadOnlyList<string> Options => RebalanceSettings.Help;

    public void Configure(BenchArguments arguments) => _settings = RebalanceSettings.Read(arguments);

    public Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = _settings ?? throw new InvalidOperationException("Configure first");
        var result = new BenchResult(Name);
        settings.WriteTo(result);

        // Warm-up (JIT and tiering), not measured.
        var warm = SkewedCluster.Generate(50, settings.VmsPerHost, settings.Seed + 1, settings.HotFraction, settings.PinnedFraction);
        for (var i = 0; i < 3; i++)
        {
            RebalancePlanner.Plan(warm, settings.Options(50));
            GreedyBaseline.Plan(warm, settings.Options(50));
        }

        var rows = new List<RebalanceRow>();
        foreach (var hosts in settings.HostCounts)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                result.Note("interrupted: the rows before stand");
                break;
            }

            var snapshot = SkewedCluster.Generate(hosts, settings.VmsPerHost, settings.Seed, settings.HotFraction, settings.PinnedFraction);
            var options = settings.Options(hosts);
            var times = new List<double>();
            var cpuTimes = new List<double>();
            RebalancePlan? plan = null;
            for (var repeat = 0; repeat < settings.Repeats; repeat++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var cpu = Environment.CpuUsage.TotalTime;
                var started = Stopwatch.GetTimestamp();
                plan = RebalancePlanner.Plan(snapshot, options);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                cpuTimes.Add((Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds);
            }

            var greedyStarted = Stopwatch.GetTimestamp();
            var greedy = GreedyBaseline.Plan(snapshot, options);
            var greedyMs = Stopwatch.GetElapsedTime(greedyStarted).TotalMilliseconds;
            var row = new RebalanceRow(
                hosts,
                snapshot.Guests.Count,
                Percentiles.Of(times, 50)!.Value,
                Percentiles.Of(cpuTimes, 50)!.Value,
                plan!.ImbalanceBefore,
                plan.ImbalanceAfter,
                plan.Moves.Count,
                plan.MemoryMibMoved / 1024.0,
                plan.ReachesTarget,
                greedyMs,
                greedy.ImbalanceAfter,
                greedy.Moves.Count,
                greedy.MemoryMibMoved / 1024.0,
                greedy.ReachesTarget,
                ImbalanceMetric.LowerBound(snapshot, options));
            rows.Add(row);
            Console.Out.WriteLine(row.ToJson().ToJsonString());
            if (!plan.ReachesTarget)
            {
                result.Note(Invariant($"{hosts} hosts: the planner stopped above the target: {plan.WhyNoMoves}"));
            }

            if (!greedy.ReachesTarget)
            {
                result.Note(Invariant($"{hosts} hosts: the greedy stopped above the target ({greedy.WhyNoMoves})"));
            }
        }

        var largest = rows.Count == 0 ? null : rows.MaxBy(r => r.Hosts);
        result.Add("target_imbalance", settings.Options(1).EffectiveTargetImbalance, "", 3);
        result.Add("largest_hosts", largest?.Hosts, "hosts");
        result.Add("largest_plan_ms", largest?.PlanMs, "ms", 1);
        result.Table("rows", new JsonArray(rows.Select(r => (JsonNode?)r.ToJson()).ToArray()));
        result.Note("plan_ms is the median wall time of --repeats plans of the same snapshot; plan_cpu_ms the median process CPU time over the same plans (the machine is shared: wall time includes waiting for a core)");
        result.Note("gib_moved sums the moved guests' memory reservations (what live migration copies); lower_bound is the least imbalance with movable demand split at will across hosts, pinned guests fixed (ImbalanceMetric.LowerBound)");
        result.Note("greedy: hottest host's largest guest that fits on the coldest host and lowers imbalance, same rules and move limit, stops at the target too");
        result.Measured = rows.Count == settings.HostCounts.Count;
        return Task.FromResult(result);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
