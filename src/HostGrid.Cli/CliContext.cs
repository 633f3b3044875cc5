using System.CommandLine;
using Grpc.Core;
using HostGrid.Cli.Output;

namespace HostGrid.Cli;

/// <summary>What every command needs: the global options, the output writers, and how to reach the gateway.</summary>
/// <param name="output">Where results go (stdout).</param>
/// <param name="error">Where failures of a followed operation go (stderr).</param>
/// <param name="callInvoker">Replaces the gateway channel (tests); null connects to `--gateway`.</param>
/// <param name="time">The clock ages are measured against (tests); null is the system clock.</param>
/// <param name="pollInterval">How often a followed operation is read (tests make it short); null is <see cref="DefaultPollInterval"/>.</param>
internal sealed class CliContext(TextWriter output, TextWriter error, Func<CallInvoker>? callInvoker = null, TimeProvider? time = null, TimeSpan? pollInterval = null)
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(200);

    public GlobalOptions Options { get; } = new();

    public TextWriter Output => output;

    public TextWriter Error => error;

    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    public TimeSpan PollInterval { get; } = pollInterval ?? DefaultPollInterval;

    /// <summary>
    /// True only when people watch stdout: it is the process's console, not redirected, and `--json` was not asked
    /// for. Only then may a command draw a live progress display (cursor movement, colours).
    /// </summary>
    public bool IsInteractive(ParseResult parse) =>
        !parse.GetValue(Options.Json) && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    public GatewayConnection Connect(ParseResult parse)
    {
        var timeout = TimeSpan.FromSeconds(parse.GetValue(Options.Timeout));
        return callInvoker is null
            ? GatewayConnection.Open(parse.GetRequiredValue(Options.Gateway), timeout)
            : new GatewayConnection(callInvoker(), timeout);
    }

    public IOutputRenderer Renderer(ParseResult parse) =>
        parse.GetValue(Options.Json) ? new JsonRenderer(output) : new TableRenderer(output, Time);
}
