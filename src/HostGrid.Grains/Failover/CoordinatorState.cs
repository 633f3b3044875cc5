namespace HostGrid.Grains.Failover;

/// <summary>What the coordinator must not forget when it moves: which agent silo serves each host, and which hosts are Down.</summary>
[GenerateSerializer, Alias("hostgrid.CoordinatorState")]
public sealed class CoordinatorState
{
    [Id(0)] public Dictionary<HostId, CoordinatedHost> Hosts { get; set; } = [];

    /// <summary>Failovers in the order they began (the most recent <see cref="FailoverCoordinatorGrain.HistoryLength"/>).</summary>
    [Id(1)] public List<string> FailoverIds { get; set; } = [];

    [Id(2)] public long FailoverCount { get; set; }

    /// <summary>
    /// The latest time an activation of the coordinator may acknowledge a heartbeat. Renewed in storage before it is
    /// used, so a coordinator cut off from storage (or from the cluster) stops acknowledging by then, and its
    /// successor knows that no agent was acknowledged later.
    /// </summary>
    [Id(3)] public DateTimeOffset AckHorizon { get; set; }
}

[GenerateSerializer, Alias("hostgrid.CoordinatedHost")]
public sealed class CoordinatedHost
{
    [Id(0)] public SiloAddress? AgentSilo { get; set; }

    [Id(1)] public bool Down { get; set; }

    /// <summary>The failover of the current Down period; null while Up.</summary>
    [Id(2)] public string? FailoverId { get; set; }

    [Id(3)] public bool FailoverCompleted { get; set; }

    [Id(4)] public Contracts.Failover.FailureCause Cause { get; set; }

    /// <summary>The last acknowledged heartbeat when the host was declared Down: the fence is counted from it.</summary>
    [Id(5)] public DateTimeOffset LastAck { get; set; }

    [Id(6)] public DateTimeOffset DeclaredAt { get; set; }

    /// <summary>The host's guests outlive its agent (its last heartbeat said so): a new agent silo adopts them.</summary>
    [Id(7)] public bool GuestsOutliveAgent { get; set; }

    /// <summary>
    /// In this Down period the agent was told its host is Down (or the failover was past withdrawing): its guests are
    /// being stopped, so the failover must run; it is never withdrawn. Cleared when the host is Up again.
    /// </summary>
    [Id(8)] public bool FenceOrdered { get; set; }
}
