using HostGrid.Bench.Reporting;

namespace HostGrid.Bench.Failover;

/// <summary>
/// <c>failover</c>: how long a five-host cluster running 40 guests takes, after an agent is SIGKILLed or SIGSTOPped,
/// until every guest runs again exactly once on a live host; split into detection, fence wait and restarts from the
/// failover records; and whether any guest was lost or ran twice. It starts and controls its own agent and gateway
/// processes (tests/HostGrid.Testing's LocalCluster) on the PostgreSQL named by HOSTGRID_TEST_PG.
/// </summary>
internal sealed class FailoverBenchmark : IBenchmark
{
    private FailoverSettings? _settings;

    public string Name => "failover";

    public string Summary => "time until every guest of a killed or frozen agent runs again exactly once (own 5-agent cluster; HOSTGRID_TEST_PG)";

    public IReadOnlyList<string> Options => FailoverSettings.Help;

    public void Configure(BenchArguments arguments) => _settings = FailoverSettings.Read(arguments);

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = _settings ?? throw new InvalidOperationException("Configure first");
        await using var run = new FailoverRun(settings);
        return await run.RunAsync(cancellationToken);
    }
}
