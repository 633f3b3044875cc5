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
}
