using HostGrid.Bench.Reporting;

namespace HostGrid.Bench.Placement;

/// <summary>
/// <c>placement</c>: how many CreateVm calls a running cluster places per second, and their latency, with a fixed number
/// in flight. Each create goes through the gateway to the guest's grain, which reads every host, ranks them, reserves
/// on one, starts the guest on its agent and persists the record.
/// </summary>
internal sealed class PlacementBenchmark : IBenchmark
{
    private PlacementSettings? _settings;

    public string Name => "placement";

    public string Summary => "CreateVm throughput and latency (placements_per_s, p50_ms, p99_ms) against a running gateway";

    public IReadOnlyList<string> Options => PlacementSettings.Help;

    public void Configure(BenchArguments arguments) => _settings = PlacementSettings.Read(arguments);

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = _settings ?? throw new InvalidOperationException("Configure first");
        using var run = new PlacementRun(settings);
        return await run.RunAsync(cancellationToken);
    }
}
