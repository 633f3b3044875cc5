using HostGrid.Bench.Reporting;

namespace HostGrid.Bench.SwitchOver;

/// <summary>
/// <c>switchover</c>: live-migration switch-over as HostGrid's migration operation records it (the source's pause until
/// the destination runs, the VM grain's PostgreSQL commit included), through the public gRPC API on a running cluster
/// whose agents run real QEMU guests. Each guest migrates back and forth between two hosts.
/// </summary>
internal sealed class SwitchOverBenchmark : IBenchmark
{
    private SwitchOverSettings? _settings;

    public string Name => "switchover";

    public string Summary => "live-migration switch-over as the operation records it (switchover_p99_ms) against a running gateway on the QEMU driver";

    public IReadOnlyList<string> Options => SwitchOverSettings.Help;

    public void Configure(BenchArguments arguments) => _settings = SwitchOverSettings.Read(arguments);

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = _settings ?? throw new InvalidOperationException("Configure first");
        using var run = new SwitchOverRun(settings);
        return await run.RunAsync(cancellationToken);
    }
}
