using HostGrid.Api.V1;

namespace HostGrid.Cli.Output;

/// <summary>Prints the results of commands, as tables for people or as JSON for scripts.</summary>
internal interface IOutputRenderer
{
    void WriteCluster(Api.V1.Cluster cluster);

    void WriteHosts(IReadOnlyList<Host> hosts);

    /// <summary>One host; <paramref name="vms"/> are the guests on it (the table view lists them).</summary>
    void WriteHost(Host host, IReadOnlyList<Vm> vms);

    void WriteVms(IReadOnlyList<Vm> vms);

    void WriteVm(Vm vm);

    void WriteDeleted(string name);

    /// <summary>Failovers as the gateway lists them, newest first.</summary>
    void WriteFailovers(IReadOnlyList<Failover> failovers);

    /// <summary>One failover with an outcome per guest.</summary>
    void WriteFailover(Failover failover);

    /// <summary>Operations as the gateway lists them, newest first.</summary>
    void WriteOperations(IReadOnlyList<Operation> operations);

    /// <summary>One operation: a migration's phase and figures, or a drain's or a rebalance pass's counts and migrations.</summary>
    void WriteOperation(Operation operation);

    /// <summary>A rebalance plan (a dry run): the imbalance before, after and the target, and each move explained.</summary>
    void WriteRebalancePlan(RebalancePlan plan);

    /// <summary>The rebalancer: mode, imbalance against the target, the pass running, and its recommendation.</summary>
    void WriteRebalancer(Rebalancer rebalancer);

    /// <summary>A host after entering or leaving maintenance, and the drain entering started.</summary>
    void WriteMaintenance(SetHostMaintenanceResponse response);
}
