using Grpc.Core;
using HostGrid.Contracts.Failover;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Api;

/// <summary>The whole cluster in one answer: hosts with capacity and load, guests by state, failovers in progress.</summary>
public sealed class ClusterApi : Proto.ClusterService.ClusterServiceBase
{
    private readonly ClusterReader _cluster;

    public ClusterApi(ClusterReader cluster) => _cluster = cluster;

    public override async Task<Proto.Cluster> GetCluster(Proto.GetClusterRequest request, ServerCallContext context)
    {
        var hostsRead = _cluster.HostsAsync();
        var vmsRead = _cluster.Inventory.ListVmsAsync();
        var failoversRead = FailoversInProgressAsync();
        var hosts = await hostsRead;
        var vms = await vmsRead;
        var response = new Proto.Cluster
        {
            Capacity = ApiMapper.ToProto(hosts.Aggregate(ResourceAmounts.Zero, (sum, h) => sum + h.Capacity)),
            Allocated = ApiMapper.ToProto(hosts.Aggregate(ResourceAmounts.Zero, (sum, h) => sum + h.Allocated)),
            VmCount = vms.Count,
            FailoversInProgress = await failoversRead,
        };
        response.Hosts.AddRange(hosts.OrderBy(h => h.HostId.Value, StringComparer.Ordinal).Select(ApiMapper.ToProto));
        foreach (var group in vms.GroupBy(v => ApiMapper.ToProto(v.State)))
        {
            response.VmsByState[group.Key.ToString()] = group.Count();
        }

        return response;
    }

    /// <summary>
    /// -1 when the coordinator cannot answer: it may be on the very agent that died, and the cluster view matters
    /// most during a failover, so it does not fail the whole answer.
    /// </summary>
    private async Task<int> FailoversInProgressAsync()
    {
        try
        {
            return InProgress(await _cluster.Failovers.ListFailoversAsync());
        }
        catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            return -1;
        }
    }

    public static int InProgress(IEnumerable<FailoverSnapshot> failovers) => failovers.Count(f => f.Phase is FailoverPhase.AwaitingFence or FailoverPhase.Restarting);
}
