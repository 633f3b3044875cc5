using System.Globalization;
using HostGrid.Api.V1;
using HostGrid.Cli.Output;

namespace HostGrid.Cli.Operations;

/// <summary>The last line of a followed operation, and the exit code it means.</summary>
internal static class OperationOutcome
{
    /// <summary>
    /// Succeeded: a summary on <paramref name="output"/>, exit 0 (a drain that could not move every guest exits 1).
    /// Failed or cancelled: the reason on <paramref name="error"/>, exit 1. Still running after the wait: exit 6, as
    /// for a deadline, with how to keep following it.
    /// </summary>
    public static int Report(Operation operation, TimeSpan waited, TextWriter output, TextWriter error)
    {
        var what = operation.Kind == OperationKind.Drain ? "drain" : "migration";
        switch (operation.State)
        {
            case OperationState.Succeeded when operation.Kind == OperationKind.Drain:
                var drain = operation.Drain ?? new DrainProgress();
                var line = $"drained {operation.SourceHostId} in {Took(operation)}: {TextFormat.DrainFigures(drain)}";
                if (drain.Failed > 0)
                {
                    error.WriteLine($"error: {line}; the failed guests are still on {operation.SourceHostId} (see 'hostgrid ops list --host {operation.SourceHostId}')");
                    return ExitCodes.Error;
                }

                output.WriteLine(line);
                return ExitCodes.Ok;
            case OperationState.Succeeded:
                output.WriteLine(
                    $"migrated {operation.VmId} from {operation.SourceHostId} to {operation.TargetHostId} in {Took(operation)}: "
                    + $"downtime {TextFormat.Milliseconds(operation.Downtime)}, {Rounds(operation.Round)}, {TextFormat.Mib(operation.BytesSent)} MiB sent");
                return ExitCodes.Ok;
            case OperationState.Failed:
                error.WriteLine($"error: {what} {operation.OperationId} failed: {Reason(operation)}");
                return ExitCodes.Error;
            case OperationState.Cancelled:
                error.WriteLine($"error: {what} {operation.OperationId} cancelled: {Reason(operation)}");
                return ExitCodes.Error;
            default:
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"error: {what} {operation.OperationId} still running after {waited.TotalSeconds:0.##}s; follow it with 'hostgrid ops get {operation.OperationId}'"));
                return ExitCodes.Unavailable;
        }
    }

    private static string Took(Operation operation) => TextFormat.Duration(operation.CreateTime, operation.CompleteTime) ?? "-";

    private static string Rounds(int rounds) => rounds == 1 ? "1 round" : $"{rounds} rounds";

    private static string Reason(Operation operation) => operation.Message.Length == 0 ? "no reason given" : operation.Message;
}
