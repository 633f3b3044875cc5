namespace HostGrid.Core.Failover;

/// <summary>Heartbeat and failure-detection settings, bound from <c>HostGrid:Failover</c>.</summary>
public sealed class FailoverOptions
{
    public const string SectionName = "HostGrid:Failover";
    public const double DefaultHeartbeatIntervalSeconds = 1;
    public const int DefaultMissedHeartbeats = 3;
    public const double DefaultIsolationTimeoutSeconds = 3;
    public const double DefaultFenceMarginSeconds = 0.5;
    public const int DefaultRestartParallelism = 4;

    /// <summary>How often each agent heart-beats for each of its hosts.</summary>
    /// <value>Default 1 s.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(DefaultHeartbeatIntervalSeconds);

    /// <summary>Heartbeats missed in a row before a host is Down (one missed makes it Suspect).</summary>
    /// <value>Default 3.</value>
    public int MissedHeartbeats { get; set; } = DefaultMissedHeartbeats;

    /// <summary>An agent with no acknowledged heartbeat for this long stops its guests by itself.</summary>
    /// <value>Default 3 s.</value>
    public TimeSpan IsolationTimeout { get; set; } = TimeSpan.FromSeconds(DefaultIsolationTimeoutSeconds);

    /// <summary>
    /// Extra wait, on top of <see cref="IsolationTimeout"/> after a dead host's last acknowledged heartbeat, before its
    /// guests restart elsewhere: covers the ack's network delay and the time the isolated agent needs to stop its guests.
    /// </summary>
    /// <value>Default 0.5 s.</value>
    public TimeSpan FenceMargin { get; set; } = TimeSpan.FromSeconds(DefaultFenceMarginSeconds);

    /// <summary>How many guests of a dead host restart at once.</summary>
    /// <value>Default 4.</value>
    public int RestartParallelism { get; set; } = DefaultRestartParallelism;
}
