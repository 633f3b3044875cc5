namespace HostGrid.Contracts.Failover;

/// <summary>What declared a host Down.</summary>
public enum FailureCause
{
    /// <summary>Heartbeats stopped arriving.</summary>
    MissedHeartbeats = 0,
    /// <summary>Orleans membership declared the agent's silo dead.</summary>
    SiloDead = 1,
    /// <summary>The agent lives but reports its hypervisor broken.</summary>
    HypervisorFailed = 2,
    /// <summary>
    /// The agent went without acknowledged heartbeats for the isolation timeout and stopped its guests itself
    /// (e.g. while the coordinator moved); it says so when it reaches the cluster again, and its guests restart.
    /// </summary>
    FencedItself = 3,
}
