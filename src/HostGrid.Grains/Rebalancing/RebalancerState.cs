using HostGrid.Contracts.Rebalancing;

namespace HostGrid.Grains.Rebalancing;

/// <summary>The rebalancer's persisted state: its mode override, the anti-thrash trigger's clock, moves made, the pass running.</summary>
[GenerateSerializer, Alias("hostgrid.RebalancerState")]
public sealed class RebalancerState
{
    /// <summary>Set by an operator; null: the configured mode.</summary>
    [Id(0)] public RebalanceMode? Mode { get; set; }

    [Id(1)] public DateTimeOffset? AboveSince { get; set; }

    [Id(2)] public DateTimeOffset? LastSampleAt { get; set; }

    [Id(3)] public DateTimeOffset? LastPassAt { get; set; }

    [Id(4)] public RebalancePlan? Recommendation { get; set; }

    [Id(5)] public DateTimeOffset? RecommendedAt { get; set; }

    /// <summary>When the rebalancer last moved each guest, for the per-guest cooldown.</summary>
    [Id(6)] public Dictionary<VmId, DateTimeOffset> LastMoved { get; set; } = [];

    [Id(7)] public RebalancePass? Pass { get; set; }
}

/// <summary>A rebalance pass in progress: the plan, the moves still to start, the migrations running, the counts so far.</summary>
[GenerateSerializer, Alias("hostgrid.RebalancePass")]
public sealed class RebalancePass
{
    [Id(0)] public required string OperationId { get; init; }

    [Id(1)] public required RebalancePlan Plan { get; set; }

    [Id(2)] public required DateTimeOffset StartedAt { get; init; }

    [Id(3)] public List<RebalanceMove> Pending { get; set; } = [];

    /// <summary>Migrations in flight: guest → its migration's operation id.</summary>
    [Id(4)] public Dictionary<VmId, string> Active { get; set; } = [];

    [Id(5)] public int Moved { get; set; }

    [Id(6)] public int Failed { get; set; }

    [Id(7)] public List<string> Migrations { get; set; } = [];

    [Id(8)] public bool CancelRequested { get; set; }

    /// <summary>How many times the pass planned again because the cluster changed under it.</summary>
    [Id(9)] public int Replans { get; set; }

    [Id(10)] public string? LastFailure { get; set; }
}
