namespace HostGrid.Cli.Tests;

/// <summary>The outcome of one CLI run: exit code and what it printed.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> RunAsync(FakeGateway? gateway, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, output, error, gateway is null ? null : () => gateway);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
