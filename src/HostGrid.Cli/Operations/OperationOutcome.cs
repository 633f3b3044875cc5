using System.Globalization;
using HostGrid.Api.V1;
using HostGrid.Cli.Output;

namespace HostGrid.Cli.Operations;

/// <summary>The last line of a followed operation, and the exit code it means.</summary>
internal static class OperationOutcome
{
    /// <summary>
    /// Succeeded: a summary on <paramref name="output"/>, exit 0 (a drain or a rebalance pass that could not make
    /// every move exits 1).
    /// Failed or cancelled: the reason on <paramref name="error"/>, exit 1. Still running after the wait: exit 6, as
    /// for a deadline, with how to keep following it.
    /// </summary>
    public static int Report(Operation operation, TimeSpan waited, TextWriter output, TextWriter error)
    {
        var what = operation.Kind switch
        {
            OperationKind.Drain => "drain",
            OperationKind.Rebalance => "rebalance",
            _ => "migration",
        };
        switch (operation.State)
        {
            case OperationState.Succeeded when operation.Kind == OperationKind.Rebalance:
                return RebalanceDone(operation, output, error);
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
                    + $"downtime {TextFormat.Milliseconds(operation.Downtime)}{HypervisorDowntime(operation)}, {Rounds(operation.Round)}{(operation.PostCopy ? " then post-copy" : "")}, {TextFormat.Mib(operation.BytesSent)} MiB sent");
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

    /// <summary>`rebalanced in 41.0s: moved 2/2, failed 0; imbalance 0.300 → 0.080 (target 0.100), now 0.085`.</summary>
    private static int RebalanceDone(Operation operation, TextWriter output, TextWriter error)
    {
        var rebalance = operation.Rebalance ?? new RebalanceProgress();
        var plan = rebalance.Plan;
        if (TextFormat.Planned(rebalance) == 0)
        {
            var why = plan is null || plan.WhyNoMoves.Length == 0 ? "" : $": {plan.WhyNoMoves}";
            output.WriteLine($"nothing to move; imbalance {Imbalance(plan)}{why}");
            return ExitCodes.Ok;
        }

        var now = rebalance.HasImbalanceNow ? $", now {TextFormat.Imbalance(rebalance.ImbalanceNow)}" : "";
        var line = $"rebalanced in {Took(operation)}: {TextFormat.RebalanceFigures(rebalance)}; imbalance {TextFormat.ImbalanceChange(plan)}{now}";
        if (rebalance.Failed > 0)
        {
            error.WriteLine($"error: {line}; the guests that failed to move stay where they were (see 'hostgrid ops get {operation.OperationId}')");
            return ExitCodes.Error;
        }

        output.WriteLine(line);
        return ExitCodes.Ok;
    }

    /// <summary>`0.050 (target 0.100)`.</summary>
    private static string Imbalance(RebalancePlan? plan) =>
        plan is null ? "-" : $"{TextFormat.Imbalance(plan.ImbalanceBefore)} (target {TextFormat.Imbalance(plan.TargetImbalance)})";

    private static string Took(Operation operation) => TextFormat.Duration(operation.CreateTime, operation.CompleteTime) ?? "-";

    /// <summary>The hypervisor's own figure beside HostGrid's, when it gave one: " (QEMU 9.8 ms)".</summary>
    private static string HypervisorDowntime(Operation operation) =>
        operation.HypervisorDowntime is { } downtime ? $" (hypervisor {TextFormat.Milliseconds(downtime)})" : "";

    private static string Rounds(int rounds) => rounds == 1 ? "1 round" : $"{rounds} rounds";

    private static string Reason(Operation operation) => operation.Message.Length == 0 ? "no reason given" : operation.Message;
}
