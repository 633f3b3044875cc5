using HostGrid.Contracts.Rebalancing;
using System.Globalization;

namespace HostGrid.Core.Rebalancing;

/// <summary>
/// The anti-thrash rule of automatic mode: act only when the imbalance has stayed above the target for the whole
/// <see cref="RebalancerOptions.SustainedWindow"/>, so a brief spike never moves a guest.
/// </summary>
/// <remarks>
/// Feed it every sample in time order. A run above the target starts at its first sample above and breaks at any sample
/// at or under the target, or at a gap between samples longer than two <see cref="RebalancerOptions.Interval"/>s (nobody
/// looked, so nobody knows it stayed high); it acts once the run spans the window. Acting restarts the run at that sample,
/// so the next pass needs another full window above the target, measured after this pass's moves. The per-guest cooldown
/// and minimum improvement of <see cref="RebalancePlanner"/> do the rest against ping-pong.
/// </remarks>
public static class RebalanceTrigger
{
    /// <summary>Takes one sample into account.</summary>
    public static RebalanceTriggerDecision Observe(RebalanceTriggerState state, ImbalanceSample sample, RebalancerOptions options)
    {
        if (state.LastSampleAt is { } last && sample.At <= last)
        {
            return new RebalanceTriggerDecision(RebalanceAction.None, Invariant($"sample at {sample.At:O} is not after the last one ({last:O}); ignored"), state);
        }

        var target = options.EffectiveTargetImbalance;
        if (!(sample.Imbalance > target))
        {
            return new RebalanceTriggerDecision(
                RebalanceAction.None,
                Invariant($"imbalance {sample.Imbalance:F3} is at or under the target {target:F3}"),
                state with { AboveSince = null, LastSampleAt = sample.At });
        }

        var gap = state.LastSampleAt is { } previous ? sample.At - previous : TimeSpan.Zero;
        var since = state.AboveSince is { } above && gap <= options.Interval * 2 ? above : sample.At;
        var lasted = sample.At - since;
        if (lasted < options.SustainedWindow || options.Mode == RebalanceMode.Off)
        {
            var why = options.Mode == RebalanceMode.Off
                ? "mode is Off"
                : Invariant($"imbalance {sample.Imbalance:F3} above the target {target:F3} for {lasted.TotalSeconds:0} s of the {options.SustainedWindow.TotalSeconds:0} s window");
            return new RebalanceTriggerDecision(RebalanceAction.None, why, state with { AboveSince = since, LastSampleAt = sample.At });
        }

        var action = options.Mode == RebalanceMode.Auto ? RebalanceAction.Apply : RebalanceAction.Recommend;
        return new RebalanceTriggerDecision(
            action,
            Invariant($"imbalance above the target {target:F3} for {lasted.TotalSeconds:0} s (window {options.SustainedWindow.TotalSeconds:0} s), now {sample.Imbalance:F3}"),
            new RebalanceTriggerState(sample.At, sample.At, sample.At));
    }

    /// <summary>Folds samples (in time order) from <paramref name="state"/>; the last decision says whether to act now.</summary>
    public static RebalanceTriggerDecision Observe(RebalanceTriggerState state, IEnumerable<ImbalanceSample> samples, RebalancerOptions options)
    {
        var decision = new RebalanceTriggerDecision(RebalanceAction.None, "no samples", state);
        foreach (var sample in samples)
        {
            decision = Observe(decision.State, sample, options);
        }

        return decision;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
