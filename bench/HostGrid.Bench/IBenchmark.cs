using HostGrid.Bench.Reporting;

namespace HostGrid.Bench;

/// <summary>One benchmark, run as <c>hostgrid-bench NAME [options]</c>.</summary>
internal interface IBenchmark
{
    /// <summary>The first command-line argument that selects it, and the name of its results file.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Summary { get; }

    /// <summary>Its options, one per line, for the usage text.</summary>
    IReadOnlyList<string> Options { get; }

    /// <summary>Reads its options; throws <see cref="UsageException"/> naming a bad one.</summary>
    void Configure(BenchArguments arguments);

    /// <summary>
    /// Runs it. Bounded in time by its own options; <paramref name="cancellationToken"/> stops it early. Never throws for
    /// a failure of the system under test: figures it could not measure are null with a note.
    /// </summary>
    Task<BenchResult> RunAsync(CancellationToken cancellationToken);
}
