namespace HostGrid.Contracts.Failover;

/// <summary>
/// The cluster's failure detector and failover coordinator (single key <see cref="Key"/>). Agents heart-beat to it;
/// it declares a host Down when heartbeats stop, its silo dies or its hypervisor fails, and starts the host's
/// failover. It keeps itself alive with a reminder and reactivates from persisted state on another silo.
/// </summary>
[Alias("hostgrid.IFailoverCoordinatorGrain")]
public interface IFailoverCoordinatorGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    /// <summary>Short on purpose: an agent must learn within its isolation timeout that it is cut off.</summary>
    const string HeartbeatTimeout = "00:00:01";

    [Alias("Heartbeat"), ResponseTimeout(HeartbeatTimeout)]
    Task<HeartbeatAck> HeartbeatAsync(HostHeartbeat heartbeat, SiloAddress agentSilo);

    /// <summary>An agent that was fenced has stopped its guests and asks to serve again.</summary>
    [Alias("Rejoin")]
    Task RejoinAsync(HostId hostId);

    /// <summary>The silo the coordinator runs on (for operators and chaos tests).</summary>
    [Alias("GetSilo"), AlwaysInterleave]
    Task<string> GetSiloAsync();

    [Alias("ListFailovers")]
    Task<IReadOnlyList<FailoverSnapshot>> ListFailoversAsync();

    /// <summary>Called by a failover when it has finished. One-way: the coordinator also calls the failover, and a cycle of waiting calls would deadlock.</summary>
    [Alias("FailoverCompleted"), OneWay]
    Task FailoverCompletedAsync(HostId hostId, string failoverId);

    /// <summary>
    /// A failover's answer to <see cref="IFailoverGrain.WithdrawAsync"/>: withdrawn (the host is then Up again, unless its
    /// agent was told to fence meanwhile, which starts a new failover) or too late (the agent is told to fence). One-way,
    /// as <see cref="FailoverCompletedAsync"/>.
    /// </summary>
    [Alias("WithdrawalDecided"), OneWay]
    Task WithdrawalDecidedAsync(HostId hostId, string failoverId, bool withdrawn);
}
