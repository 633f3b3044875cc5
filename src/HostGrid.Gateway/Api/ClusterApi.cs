using Grpc.Core;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Api;

/// <summary>The whole cluster in one answer: hosts with capacity and load, guests by state.</summary>
public sealed class ClusterApi : Proto.ClusterService.ClusterServiceBase
{
    private readonly ClusterReader _cluster;

    public ClusterApi(ClusterReader cluster) => _cluster = cluster;

    public override async Task<Proto.Cluster> GetCluster(Proto.GetClusterRequest request, ServerCallContext context)
    {
        var hostsRead = _cluster.HostsAsync();
        var vmsRead = _cluster.Inventory.ListVmsAsync();
        var hosts = await hostsRead;
        var vms = await vmsRead;
        var response = new Proto.Cluster
        {
            Capacity = ApiMapper.ToProto(hosts.Aggregate(ResourceAmounts.Zero, (sum, h) => sum + h.Capacity)),
            Allocated = ApiMapper.ToProto(hosts.Aggregate(ResourceAmounts.Zero, (sum, h) => sum + h.Allocated)),
            VmCount = vms.Count,
        };
        response.Hosts.AddRange(hosts.OrderBy(h => h.HostId.Value, StringComparer.Ordinal).Select(ApiMapper.ToProto));
        foreach (var group in vms.GroupBy(v => ApiMapper.ToProto(v.State)))
        {
            response.VmsByState[group.Key.ToString()] = group.Count();
        }

        return response;
    }
}
