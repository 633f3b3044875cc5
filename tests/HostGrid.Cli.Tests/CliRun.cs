namespace HostGrid.Cli.Tests;

/// <summary>The outcome of one CLI run: exit code and what it printed.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Followed operations are read this often in tests, so a follow takes milliseconds.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    public static Task<CliRun> RunAsync(FakeGateway? gateway, params string[] args) => RunAtAsync(null, gateway, args);

    /// <summary>Runs with the CLI's clock fixed at <paramref name="now"/> (null: the system clock), so ages print predictably.</summary>
    public static async Task<CliRun> RunAtAsync(DateTimeOffset? now, FakeGateway? gateway, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(
            args, output, error, gateway is null ? null : () => gateway, now is { } at ? new FixedTime(at) : null, PollInterval);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
