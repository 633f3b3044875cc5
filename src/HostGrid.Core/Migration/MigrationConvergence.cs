using System.Globalization;

namespace HostGrid.Core.Migration;

/// <summary>
/// The pre-copy convergence rule. Switch over once the remaining dirty bytes can be sent within
/// <see cref="MigrationOptions.MaxDowntime"/> (less the fixed switch-over overhead) at the measured bandwidth. When rounds stop
/// shrinking the dirty set and <see cref="MigrationOptions.AutoConverge"/> is on, throttle the guest's dirty rate step by step.
/// Give up after <see cref="MigrationOptions.MaxRounds"/> rounds or <see cref="MigrationOptions.Timeout"/>.
/// </summary>
public static class MigrationConvergence
{
    /// <summary>A round converges when it leaves at most this fraction of the previous round's dirty bytes.</summary>
    public const double ShrinkFactor = 0.5;

    /// <summary>Rounds in a row that must fail to shrink before the throttle rises.</summary>
    public const int StalledRounds = 2;

    private const double Mib = 1024 * 1024;

    public static ConvergenceDecision Decide(MigrationOptions options, PreCopyState state)
    {
        var remaining = state.Remaining;
        var budget = options.MaxDowntime - state.SwitchOverOverhead;
        if (remaining == 0 || (state.BandwidthBytesPerSecond > 0 && budget > TimeSpan.Zero
            && remaining / state.BandwidthBytesPerSecond <= budget.TotalSeconds))
        {
            return new ConvergenceDecision(ConvergenceAction.SwitchOver, state.ThrottlePercent,
                Invariant($"{remaining / Mib:F1} MiB dirty fits in {options.MaxDowntime.TotalMilliseconds:F0} ms at {state.BandwidthBytesPerSecond / Mib:F0} MiB/s"));
        }

        if (state.Elapsed >= options.Timeout)
        {
            return new ConvergenceDecision(ConvergenceAction.Fail, state.ThrottlePercent,
                Invariant($"did not converge within {options.Timeout.TotalSeconds:F0} s ({state.Round} rounds): {Describe(state)}"));
        }

        if (state.Round >= options.MaxRounds)
        {
            return new ConvergenceDecision(ConvergenceAction.Fail, state.ThrottlePercent,
                Invariant($"did not converge after {state.Round} rounds: {Describe(state)}"));
        }

        if (options.AutoConverge && IsStalled(state.RemainingDirtyBytes) && state.ThrottlePercent < options.ThrottleMaxPercent)
        {
            var throttle = state.ThrottlePercent == 0
                ? options.ThrottleInitialPercent
                : Math.Min(state.ThrottlePercent + options.ThrottleIncrementPercent, options.ThrottleMaxPercent);
            return new ConvergenceDecision(ConvergenceAction.Continue, throttle,
                Invariant($"dirty set not shrinking ({Describe(state)}): throttle raised to {throttle}%"));
        }

        return new ConvergenceDecision(ConvergenceAction.Continue, state.ThrottlePercent,
            Invariant($"round {state.Round + 1}: {Describe(state)}"));
    }

    /// <summary>
    /// Whether each of the last <see cref="StalledRounds"/> rounds left more than <see cref="ShrinkFactor"/> of the dirty bytes
    /// the round before it left.
    /// </summary>
    public static bool IsStalled(IReadOnlyList<long> remainingByRound)
    {
        if (remainingByRound.Count < StalledRounds + 1)
        {
            return false;
        }

        for (var i = remainingByRound.Count - StalledRounds; i < remainingByRound.Count; i++)
        {
            if (remainingByRound[i] <= remainingByRound[i - 1] * ShrinkFactor)
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(PreCopyState state) =>
        Invariant($"{state.Remaining / Mib:F1} MiB still dirty at {state.BandwidthBytesPerSecond / Mib:F0} MiB/s, throttle {state.ThrottlePercent}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
