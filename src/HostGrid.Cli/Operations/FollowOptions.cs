using System.CommandLine;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Operations;

/// <summary>`--no-wait` and `--wait-timeout` of the commands that start an operation, and the follow they control.</summary>
internal sealed class FollowOptions
{
    public const double DefaultWaitSeconds = 600;

    public Option<bool> NoWait { get; } = new("--no-wait") { Description = "Print the started operation and return; do not follow it" };

    public Option<double> WaitTimeout { get; } = NumberOption.Positive<double>(
        "--wait-timeout", "Stop following after this many seconds (the operation runs on); each poll has its own --timeout", "SECONDS");

    public FollowOptions() => WaitTimeout.DefaultValueFactory = _ => DefaultWaitSeconds;

    public void AddTo(Command command)
    {
        command.Options.Add(NoWait);
        command.Options.Add(WaitTimeout);
    }

    /// <summary>With --json or --no-wait the command prints what it started and returns; otherwise it follows it.</summary>
    public bool Follows(CliContext cli, ParseResult parse) => !parse.GetValue(NoWait) && !parse.GetValue(cli.Options.Json);

    /// <summary>Follows <paramref name="started"/> (a live display on a terminal, plain lines otherwise) and reports how it ended.</summary>
    public async Task<int> FollowAsync(CliContext cli, ParseResult parse, GatewayConnection gateway, Operation started, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromSeconds(parse.GetValue(WaitTimeout));
        var follower = new OperationFollower(gateway, cli.PollInterval, wait);
        IFollowView view = cli.IsInteractive(parse) ? LiveFollowView.ForTerminal() : new LineFollowView(cli.Output);
        var last = await view.ShowAsync(update => follower.FollowAsync(started, update, cancellationToken));
        return OperationOutcome.Report(last, wait, cli.Output, cli.Error);
    }
}
