using System.Globalization;

namespace HostGrid.Core.Migration;

/// <summary>
/// The pre-copy convergence rule. Switch over once the remaining dirty bytes can be sent within
/// <see cref="MigrationOptions.MaxDowntime"/> (less the fixed switch-over overhead) at the measured bandwidth: at once when they
/// fit in <see cref="MarginFraction"/> of it, otherwise only once another round would not shrink them much (the bandwidth during
/// the pause can fall below the measured one on a busy host, and a short extra round is cheaper than a long pause). When rounds
/// stop shrinking the dirty set and <see cref="MigrationOptions.AutoConverge"/> is on, throttle the guest's dirty rate step by
/// step. Give up after <see cref="MigrationOptions.MaxRounds"/> rounds or <see cref="MigrationOptions.Timeout"/>.
/// </summary>
public static class MigrationConvergence
{
    /// <summary>A round converges when it leaves at most this fraction of the previous round's dirty bytes.</summary>
    public const double ShrinkFactor = 0.5;

    /// <summary>Rounds in a row that must fail to shrink before the throttle rises.</summary>
    public const int StalledRounds = 2;

    /// <summary>A predicted pause within this fraction of <see cref="MigrationOptions.MaxDowntime"/> switches over without another round.</summary>
    public const double MarginFraction = 0.5;

    private const double Mib = 1024 * 1024;

    public static ConvergenceDecision Decide(MigrationOptions options, PreCopyState state)
    {
        var remaining = state.Remaining;
        var pause = state.BandwidthBytesPerSecond > 0
            ? TimeSpan.FromSeconds(remaining / state.BandwidthBytesPerSecond) + state.SwitchOverOverhead
            : TimeSpan.MaxValue;
        var lastChance = state.Round >= options.MaxRounds || state.Elapsed >= options.Timeout;
        if (remaining == 0 || (pause <= options.MaxDowntime
            && (pause <= options.MaxDowntime * MarginFraction || !IsShrinking(state.RemainingDirtyBytes) || lastChance)))
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

    /// <summary>Whether another round is expected to shrink the dirty set well: after the full pass, or while the last round did.</summary>
    private static bool IsShrinking(IReadOnlyList<long> remainingByRound) =>
        remainingByRound.Count < 2 || remainingByRound[^1] <= remainingByRound[^2] * ShrinkFactor;

    private static string Describe(PreCopyState state) =>
        Invariant($"{state.Remaining / Mib:F1} MiB still dirty at {state.BandwidthBytesPerSecond / Mib:F0} MiB/s, throttle {state.ThrottlePercent}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
