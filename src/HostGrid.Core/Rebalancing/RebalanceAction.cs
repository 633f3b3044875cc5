using HostGrid.Contracts.Rebalancing;
namespace HostGrid.Core.Rebalancing;

/// <summary>What automatic mode should do after a sample.</summary>
public enum RebalanceAction
{
    /// <summary>Nothing now.</summary>
    None = 0,

    /// <summary>Plan and publish the plan (mode <see cref="RebalanceMode.Recommend"/>).</summary>
    Recommend = 1,

    /// <summary>Plan and apply the plan (mode <see cref="RebalanceMode.Auto"/>).</summary>
    Apply = 2,
}
