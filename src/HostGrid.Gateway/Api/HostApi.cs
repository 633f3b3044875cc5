using Grpc.Core;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Api;

/// <summary>The cluster's hosts over gRPC.</summary>
public sealed class HostApi : Proto.HostService.HostServiceBase
{
    private readonly ClusterReader _cluster;

    public HostApi(ClusterReader cluster) => _cluster = cluster;

    public override async Task<Proto.Host> GetHost(Proto.GetHostRequest request, ServerCallContext context) =>
        ApiMapper.ToProto(await _cluster.Host(ApiMapper.ParseHostName(request.Name)).GetSnapshotAsync());

    public override async Task<Proto.ListHostsResponse> ListHosts(Proto.ListHostsRequest request, ServerCallContext context)
    {
        var status = ApiMapper.FromProto(request.Status, "status");
        PageToken.Size(request.PageSize);
        var hosts = await _cluster.HostsAsync();
        var matching = hosts.Where(h => (status is null || h.Status == status) && ApiMapper.HasLabels(h.Labels, request.Labels));
        var (page, next) = PageToken.Take(matching, h => h.HostId.Value, request.PageToken, request.PageSize);
        var response = new Proto.ListHostsResponse { NextPageToken = next };
        response.Hosts.AddRange(page.Select(ApiMapper.ToProto));
        return response;
    }

    /// <summary>Enter returns the drain with the host as it is afterwards; exit returns the host only.</summary>
    public override async Task<Proto.SetHostMaintenanceResponse> SetHostMaintenance(Proto.SetHostMaintenanceRequest request, ServerCallContext context)
    {
        var id = ApiMapper.ParseHostName(request.Name);
        var entering = ApiMapper.Entering(request.Action);
        var host = _cluster.Host(id);

        // An unknown host is NOT_FOUND before the maintenance grain is asked to drain something that does not exist.
        await host.GetSnapshotAsync();
        var response = new Proto.SetHostMaintenanceResponse();
        if (entering)
        {
            response.Drain = ApiMapper.ToProto(await _cluster.Maintenance(id).EnterAsync());
        }
        else
        {
            await _cluster.Maintenance(id).ExitAsync();
        }

        response.Host = ApiMapper.ToProto(await host.GetSnapshotAsync());
        return response;
    }
}
