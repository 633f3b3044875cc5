using HostGrid.Contracts.Failover;

namespace HostGrid.Grains.Failover;

/// <summary>The persisted failover of one host; rewritten at each phase change and after each restarted guest.</summary>
[GenerateSerializer, Alias("hostgrid.FailoverState")]
public sealed class FailoverState
{
    [Id(0)] public bool Begun { get; set; }

    [Id(1)] public HostId Host { get; set; }

    [Id(2)] public FailureCause Cause { get; set; }

    [Id(3)] public FailoverPhase Phase { get; set; }

    [Id(4)] public DateTimeOffset LastHeartbeat { get; set; }

    [Id(5)] public DateTimeOffset DeclaredAt { get; set; }

    [Id(6)] public DateTimeOffset FenceAt { get; set; }

    [Id(7)] public DateTimeOffset? CompletedAt { get; set; }

    [Id(8)] public Dictionary<VmId, VmFailoverOutcome> Outcomes { get; set; } = [];

    /// <summary>The silo of the agent that served the host (its lease in the database is waited for); null if unknown.</summary>
    [Id(9)] public string? Agent { get; set; }
}
