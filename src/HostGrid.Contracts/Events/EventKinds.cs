namespace HostGrid.Contracts.Events;

/// <summary>The kinds of <see cref="ClusterEvent"/>.</summary>
public static class EventKinds
{
    public const string VmCreated = "vm.created";
    public const string VmStarted = "vm.started";
    public const string VmStopped = "vm.stopped";
    public const string VmDeleted = "vm.deleted";
    public const string VmFailedOver = "vm.failed_over";
    public const string VmPending = "vm.pending";
    public const string VmMigrated = "vm.migrated";
    public const string VmMigrationFailed = "vm.migration_failed";
    public const string HostMaintenance = "host.maintenance";
    public const string DrainCompleted = "drain.completed";
    public const string RebalanceCompleted = "rebalance.completed";
    public const string HostDown = "host.down";
    public const string HostRejoined = "host.rejoined";
    public const string FailoverWithdrawn = "failover.withdrawn";
    public const string HostFenced = "host.fenced";
    public const string AgentRestarted = "host.agent_restarted";
    public const string FailoverCompleted = "failover.completed";
}
