namespace HostGrid.Core.Migration;

/// <summary>What a live migration's pre-copy does after a round.</summary>
public enum ConvergenceAction
{
    /// <summary>Send another round of the pages dirtied meanwhile (possibly with a new throttle).</summary>
    Continue = 0,

    /// <summary>The remaining dirty pages fit in the downtime budget: pause the guest and send them.</summary>
    SwitchOver = 1,

    /// <summary>The migration cannot converge within its rounds or time: give up and run the guest on the source.</summary>
    Fail = 2,
}
