namespace HostGrid.Core.Migration;

/// <summary>The convergence rule's answer after a pre-copy round.</summary>
/// <param name="Action">Continue, switch over, or fail.</param>
/// <param name="ThrottlePercent">The throttle of the guest's dirty rate for the next round (unchanged unless auto-converge raised it).</param>
/// <param name="Reason">Why: for a failure, the message the operator sees.</param>
public sealed record ConvergenceDecision(ConvergenceAction Action, int ThrottlePercent, string Reason);
