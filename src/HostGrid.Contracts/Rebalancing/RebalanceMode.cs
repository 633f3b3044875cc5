namespace HostGrid.Contracts.Rebalancing;

/// <summary>What the rebalancer does on its own (an operator can always ask for a plan or apply one).</summary>
[GenerateSerializer, Alias("hostgrid.RebalanceMode")]
public enum RebalanceMode
{
    /// <summary>Never plans on its own.</summary>
    Off = 0,

    /// <summary>Plans on a timer when imbalance stays high, and publishes the plan without moving anything.</summary>
    Recommend = 1,

    /// <summary>Plans on a timer when imbalance stays high, and applies the plan.</summary>
    Auto = 2,
}
