using HostGrid.Contracts.Cluster;
using HostGrid.Contracts.Failover;
using HostGrid.Contracts.Operations;
using HostGrid.Contracts.Rebalancing;

namespace HostGrid.Gateway.Api;

/// <summary>Reads the cluster's hosts and guests through their grains.</summary>
public sealed class ClusterReader
{
    private readonly IGrainFactory _grains;

    public ClusterReader(IGrainFactory grains) => _grains = grains;

    public IInventoryGrain Inventory => _grains.GetGrain<IInventoryGrain>(IInventoryGrain.Key);

    public IFailoverCoordinatorGrain Failovers => _grains.GetGrain<IFailoverCoordinatorGrain>(IFailoverCoordinatorGrain.Key);

    public IVmGrain Vm(VmId id) => _grains.GetGrain<IVmGrain>(id.Value);

    public IHostGrain Host(HostId id) => _grains.GetGrain<IHostGrain>(id.Value);

    public IMaintenanceGrain Maintenance(HostId id) => _grains.GetGrain<IMaintenanceGrain>(id.Value);

    public IOperationGrain Operation(string id) => _grains.GetGrain<IOperationGrain>(id);

    public IOperationIndexGrain Operations => _grains.GetGrain<IOperationIndexGrain>(IOperationIndexGrain.Key);

    public IRebalancerGrain Rebalancer => _grains.GetGrain<IRebalancerGrain>(IRebalancerGrain.Key);

    public async Task<IReadOnlyList<HostSnapshot>> HostsAsync()
    {
        var ids = await Inventory.ListHostsAsync();
        return await Task.WhenAll(ids.Select(id => Host(id).GetSnapshotAsync()));
    }

    /// <summary>Full records of the given guests; one deleted meanwhile is left out.</summary>
    public async Task<IReadOnlyList<VmSnapshot>> VmsAsync(IEnumerable<VmId> ids)
    {
        var reads = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await Vm(id).GetAsync();
            }
            catch (Contracts.Errors.VmNotFoundException)
            {
                return null;
            }
        }));
        return reads.OfType<VmSnapshot>().ToList();
    }
}
