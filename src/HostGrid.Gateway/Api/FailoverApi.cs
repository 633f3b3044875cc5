using Grpc.Core;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Failover;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Api;

/// <summary>Host failovers over gRPC, read from the failover coordinator's recent history.</summary>
public sealed class FailoverApi : Proto.FailoverService.FailoverServiceBase
{
    private readonly ClusterReader _cluster;

    public FailoverApi(ClusterReader cluster) => _cluster = cluster;

    public override async Task<Proto.ListFailoversResponse> ListFailovers(Proto.ListFailoversRequest request, ServerCallContext context)
    {
        var host = string.IsNullOrEmpty(request.HostId) ? (HostId?)null : ApiMapper.ParseHostName(request.HostId, "host_id");
        PageToken.Size(request.PageSize);

        var failovers = await _cluster.Failovers.ListFailoversAsync();
        var (page, next) = Page(failovers, host, request.PageToken, request.PageSize);
        var response = new Proto.ListFailoversResponse { NextPageToken = next };
        response.Failovers.AddRange(page.Select(ApiMapper.ToProto));
        return response;
    }

    public override async Task<Proto.Failover> GetFailover(Proto.GetFailoverRequest request, ServerCallContext context)
    {
        var id = ApiMapper.ParseFailoverName(request.Name);
        var failovers = await _cluster.Failovers.ListFailoversAsync();
        return ApiMapper.ToProto(Find(failovers, id));
    }

    /// <summary>The failovers of <paramref name="host"/> (all when null), one page newest first.</summary>
    public static (List<FailoverSnapshot> Page, string Next) Page(IEnumerable<FailoverSnapshot> failovers, HostId? host, string pageToken, int pageSize) =>
        PageToken.TakeNewestFirst(failovers.Where(f => host is null || f.Host == host), f => f.DeclaredAt, f => f.Id, pageToken, pageSize);

    public static FailoverSnapshot Find(IEnumerable<FailoverSnapshot> failovers, string id) =>
        failovers.FirstOrDefault(f => f.Id == id) ?? throw new FailoverNotFoundException(id);
}
