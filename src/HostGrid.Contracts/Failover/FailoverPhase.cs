namespace HostGrid.Contracts.Failover;

/// <summary>Phases of one host's failover, persisted at each change.</summary>
public enum FailoverPhase
{
    /// <summary>Host declared Down; waiting until its agent has surely fenced itself.</summary>
    AwaitingFence = 0,
    /// <summary>Restarting the host's guests on the survivors, by priority.</summary>
    Restarting = 1,
    /// <summary>Every guest restarted, or left Pending with a reason.</summary>
    Completed = 2,
    /// <summary>
    /// The host's agent answered again before it had fenced itself (it had reached the database all along): nothing was
    /// restarted, its guests run on where they were, and the host is Up again.
    /// </summary>
    Withdrawn = 3,
}
