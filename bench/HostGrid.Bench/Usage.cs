using System.Text;

namespace HostGrid.Bench;

/// <summary>The usage text, listing the known benchmarks and their options.</summary>
internal static class Usage
{
    public static string Text(IReadOnlyList<IBenchmark> benchmarks)
    {
        var text = new StringBuilder();
        text.AppendLine("usage: hostgrid-bench NAME [options]   (or scripts/bench.sh NAME [options] to start a private cluster)");
        text.AppendLine("benchmarks:");
        foreach (var b in benchmarks)
        {
            text.AppendLine($"  {b.Name,-16} {b.Summary}");
        }

        text.AppendLine("`hostgrid-bench NAME --help` lists a benchmark's options.");
        return text.ToString();
    }

    public static string Text(IBenchmark benchmark)
    {
        var text = new StringBuilder();
        text.AppendLine($"usage: hostgrid-bench {benchmark.Name} [options]");
        text.AppendLine($"  {benchmark.Summary}");
        text.AppendLine("options:");
        text.AppendLine("  --out PATH              also write the results as JSON to PATH");
        foreach (var line in benchmark.Options)
        {
            text.AppendLine("  " + line);
        }

        return text.ToString();
    }
}
