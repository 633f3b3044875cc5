using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace HostGrid.Bench.Reporting;

/// <summary>The machine a run measured on: results from shared, noisy machines only compare with this beside them.</summary>
internal sealed record Machine(int Cores, string? DotnetVersion, string Os, string Runtime)
{
    private static readonly TimeSpan DotnetTimeout = TimeSpan.FromSeconds(30);

    public static async Task<Machine> DescribeAsync(CancellationToken cancellationToken) => new(
        Environment.ProcessorCount,
        await DotnetVersionAsync(cancellationToken),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

    public JsonObject ToJson() => new()
    {
        ["cores"] = Cores,
        ["dotnet"] = DotnetVersion,
        ["os"] = Os,
        ["runtime"] = Runtime,
    };

    /// <summary>The SDK version <c>dotnet --version</c> prints (what scripts/bench.sh built with), or null if it did not answer.</summary>
    private static async Task<string?> DotnetVersionAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet", "--version")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DotnetTimeout);
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            _ = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            var version = (await output).Trim();
            return process.ExitCode == 0 && version.Length > 0 ? version : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no `dotnet` on PATH
        }
    }
}
