namespace HostGrid.Contracts.Operations;

/// <summary>What a long-running operation does.</summary>
[GenerateSerializer, Alias("hostgrid.OperationKind")]
public enum OperationKind
{
    /// <summary>Live migration of one guest (a stopped guest moves cold: its reservation changes host).</summary>
    Migrate = 0,

    /// <summary>A host entering maintenance: every guest migrates off it.</summary>
    Drain = 1,

    /// <summary>A rebalance pass: the planned migrations, a bounded number at a time.</summary>
    Rebalance = 2,
}
