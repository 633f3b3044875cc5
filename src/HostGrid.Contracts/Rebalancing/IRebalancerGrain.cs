namespace HostGrid.Contracts.Rebalancing;

/// <summary>
/// The cluster's load balancer: plans migrations that even out host load (with <c>RebalancePlanner</c>), runs a plan as
/// an operation with a bounded number of migrations at a time, and in automatic modes watches the imbalance on a timer
/// that a reminder keeps alive across silo loss. Single key: <see cref="Key"/>.
/// </summary>
[Alias("hostgrid.IRebalancerGrain")]
public interface IRebalancerGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    /// <summary>A plan for the cluster as it is now (a dry run); changes nothing.</summary>
    [Alias("Plan")]
    Task<RebalancePlan> PlanAsync();

    /// <summary>
    /// Plans and runs the plan as an operation; returns it at once. Throws <see cref="Errors.OperationInProgressException"/>
    /// while a pass runs. A plan with no moves gives an operation that has already succeeded.
    /// </summary>
    [Alias("Apply")]
    Task<Operations.OperationSnapshot> ApplyAsync();

    [Alias("GetStatus"), AlwaysInterleave]
    Task<RebalancerStatus> GetStatusAsync();

    /// <summary>Sets the automatic mode (persisted; overrides the configured <c>RebalancerOptions.Mode</c>).</summary>
    [Alias("SetMode")]
    Task<RebalancerStatus> SetModeAsync(RebalanceMode mode);

    /// <summary>Stops the running pass from starting further migrations.</summary>
    [Alias("Cancel")]
    Task CancelAsync(string operationId);
}
