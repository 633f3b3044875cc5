using System.CommandLine;
using System.CommandLine.Invocation;
using Grpc.Core;

namespace HostGrid.Cli;

/// <summary>Runs one command line: usage errors exit 2, gateway errors print `error: Status: detail` and exit by <see cref="ExitCodes"/>.</summary>
internal static class CliApp
{
    public const string Description = """
        Operate a HostGrid cluster through its gateway.

        Output: tables by default; with --json, protobuf JSON (proto3 mapping: camelCase fields,
        enum names, 64-bit integers as strings, default values included): one resource as an object,
        a list as an array of objects (all pages), `vms delete` as {}.

        Exit codes: 0 ok, 1 other error (also a followed migration, drain or rebalance that failed), 2 bad usage or
        INVALID_ARGUMENT, 3 NOT_FOUND, 4 ALREADY_EXISTS or FAILED_PRECONDITION, 5 RESOURCE_EXHAUSTED,
        6 UNAVAILABLE or DEADLINE_EXCEEDED (also --wait-timeout passed while following).
        """;

    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, Func<CallInvoker>? callInvoker = null, TimeProvider? time = null, TimeSpan? pollInterval = null)
    {
        var root = Program.CreateRootCommand(new CliContext(output, error, callInvoker, time, pollInterval));
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var parseError in parse.Errors)
                await error.WriteLineAsync($"error: {parseError.Message}");
            await error.WriteLineAsync("See 'hostgrid --help'.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (RpcException ex)
        {
            await error.WriteLineAsync($"error: {ex.StatusCode}: {ex.Status.Detail}");
            return ExitCodes.FromStatus(ex.StatusCode);
        }
    }
}
