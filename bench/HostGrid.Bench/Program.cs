using System.Runtime.InteropServices;
using HostGrid.Bench;
using HostGrid.Bench.Failover;
using HostGrid.Bench.Migration;
using HostGrid.Bench.MigrationQemu;
using HostGrid.Bench.Placement;
using HostGrid.Bench.Rebalance;
using HostGrid.Bench.Reporting;
using HostGrid.Bench.SwitchOver;

// hostgrid-bench NAME [options]: one end-to-end benchmark against a running HostGrid; scripts/bench.sh starts the cluster.
IBenchmark[] benchmarks = [new PlacementBenchmark(), new FailoverBenchmark(), new MigrationBenchmark(), new QemuMigrationBenchmark(), new RebalanceBenchmark(), new SwitchOverBenchmark()];

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    await Console.Out.WriteAsync(Usage.Text(benchmarks));
    return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
}

var benchmark = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (benchmark is null)
{
    await Console.Error.WriteLineAsync($"hostgrid-bench: unknown benchmark '{args[0]}'");
    await Console.Error.WriteAsync(Usage.Text(benchmarks));
    return ExitCodes.Usage;
}

BenchArguments arguments;
string? outPath;
try
{
    arguments = BenchArguments.Parse(args.AsSpan(1));
    if (arguments.Flag("help"))
    {
        await Console.Out.WriteAsync(Usage.Text(benchmark));
        return ExitCodes.Ok;
    }

    outPath = arguments.String("out", null);
    benchmark.Configure(arguments);
    arguments.EnsureAllUsed();
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync($"hostgrid-bench {benchmark.Name}: {e.Message}");
    await Console.Error.WriteAsync(Usage.Text(benchmark));
    return ExitCodes.Usage;
}

// Ctrl-C or SIGTERM stops issuing work; the benchmark still deletes what it created before it returns.
using var interrupted = new CancellationTokenSource();
void Interrupt(PosixSignalContext signal)
{
    signal.Cancel = true;
    interrupted.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

var result = await benchmark.RunAsync(interrupted.Token);
result.Machine = await Machine.DescribeAsync(CancellationToken.None);
if (result.Machine.DotnetVersion is null)
{
    result.Note("machine.dotnet is null: `dotnet --version` did not answer");
}

result.WriteTable(Console.Out);
if (outPath is not null)
{
    await result.WriteJsonAsync(outPath, CancellationToken.None);
    Console.Out.WriteLine($"wrote {outPath}");
}

return result.Measured ? ExitCodes.Ok : ExitCodes.Failed;
