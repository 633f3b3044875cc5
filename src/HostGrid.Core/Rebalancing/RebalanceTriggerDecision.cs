namespace HostGrid.Core.Rebalancing;

/// <summary>The trigger's answer to one sample: what to do, why, and the state to keep for the next sample.</summary>
public sealed record RebalanceTriggerDecision(RebalanceAction Action, string Reason, RebalanceTriggerState State)
{
    public bool Acts => Action != RebalanceAction.None;
}
