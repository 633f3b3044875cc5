using System.CommandLine;
using Grpc.Core;
using HostGrid.Cli.Output;

namespace HostGrid.Cli;

/// <summary>What every command needs: the global options, the output writer, and how to reach the gateway.</summary>
/// <param name="output">Where results go (stdout).</param>
/// <param name="callInvoker">Replaces the gateway channel (tests); null connects to `--gateway`.</param>
/// <param name="time">The clock ages are measured against (tests); null is the system clock.</param>
internal sealed class CliContext(TextWriter output, Func<CallInvoker>? callInvoker = null, TimeProvider? time = null)
{
    public GlobalOptions Options { get; } = new();

    public GatewayConnection Connect(ParseResult parse)
    {
        var deadline = DateTime.UtcNow.AddSeconds(parse.GetValue(Options.Timeout));
        return callInvoker is null
            ? GatewayConnection.Open(parse.GetRequiredValue(Options.Gateway), deadline)
            : new GatewayConnection(callInvoker(), deadline);
    }

    public IOutputRenderer Renderer(ParseResult parse) =>
        parse.GetValue(Options.Json) ? new JsonRenderer(output) : new TableRenderer(output, time ?? TimeProvider.System);
}
