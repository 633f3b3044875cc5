namespace HostGrid.Core.Rebalancing;

/// <summary>
/// What <see cref="RebalanceTrigger"/> remembers between samples; plain values, for the caller to persist so the
/// sustained window survives a restart.
/// </summary>
/// <param name="AboveSince">First sample of the current unbroken run above the target; null when the last was not above.</param>
/// <param name="LastSampleAt">Time of the last sample taken into account.</param>
/// <param name="LastPassAt">When the trigger last said to act.</param>
public sealed record RebalanceTriggerState(DateTimeOffset? AboveSince, DateTimeOffset? LastSampleAt, DateTimeOffset? LastPassAt)
{
    /// <summary>No sample seen yet.</summary>
    public static RebalanceTriggerState Initial { get; } = new(null, null, null);
}
