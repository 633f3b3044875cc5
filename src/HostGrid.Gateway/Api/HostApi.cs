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
}
