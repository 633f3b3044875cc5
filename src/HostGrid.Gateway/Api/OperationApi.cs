using Grpc.Core;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Operations;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Api;

/// <summary>
/// Long-running operations over gRPC: each is read from its <see cref="IOperationGrain"/>, listed from the
/// <see cref="IOperationIndexGrain"/>'s ids (newest first), and cancelled through the grain, which asks its runner.
/// </summary>
public sealed class OperationApi : Proto.OperationService.OperationServiceBase
{
    /// <summary>How many operations a list reads at once while it fills a page.</summary>
    public const int ReadBatch = 64;

    private readonly ClusterReader _cluster;

    public OperationApi(ClusterReader cluster) => _cluster = cluster;

    public override async Task<Proto.Operation> GetOperation(Proto.GetOperationRequest request, ServerCallContext context) =>
        ApiMapper.ToProto(await _cluster.Operation(ApiMapper.ParseOperationName(request.Name)).GetAsync());

    public override async Task<Proto.Operation> CancelOperation(Proto.CancelOperationRequest request, ServerCallContext context) =>
        ApiMapper.ToProto(await _cluster.Operation(ApiMapper.ParseOperationName(request.Name)).CancelAsync());

    public override async Task<Proto.ListOperationsResponse> ListOperations(Proto.ListOperationsRequest request, ServerCallContext context)
    {
        var filter = new OperationFilter(
            ApiMapper.FromProto(request.State, "state"),
            ApiMapper.FromProto(request.Kind, "kind"),
            ApiMapper.ParseOptionalVmName(request.VmId, "vm_id"),
            ApiMapper.ParseOptionalHostName(request.HostId, "host_id"));
        PageToken.Size(request.PageSize);

        var ids = await _cluster.Operations.ListAsync();
        var (page, next) = await PageAsync(ids, ReadAsync, filter, request.PageToken, request.PageSize);
        var response = new Proto.ListOperationsResponse { NextPageToken = next };
        response.Operations.AddRange(page.Select(ApiMapper.ToProto));
        return response;
    }

    /// <summary>
    /// One page of the operations matching <paramref name="filter"/>, in the index's order (newest first), after the
    /// operation the token names, and the token for the next page (empty on the last). Operations are read a batch at
    /// a time and only until the page is full, so a first page does not read the whole history. An id whose record
    /// is gone (<paramref name="read"/> returns null) is skipped.
    /// </summary>
    public static async Task<(List<OperationSnapshot> Page, string Next)> PageAsync(
        IReadOnlyList<string> ids, Func<string, Task<OperationSnapshot?>> read, OperationFilter filter, string pageToken, int pageSize)
    {
        var size = PageToken.Size(pageSize);
        var start = 0;
        if (PageToken.After(pageToken) is { } after)
        {
            var position = ids.ToList().IndexOf(after);
            if (position < 0)
            {
                throw new InvalidSpecException("page_token", "the operation it continues after has left the history; list again from the start");
            }

            start = position + 1;
        }

        var page = new List<OperationSnapshot>();
        for (var offset = start; offset < ids.Count && page.Count <= size; offset += ReadBatch)
        {
            var batch = await Task.WhenAll(ids.Skip(offset).Take(ReadBatch).Select(read));
            page.AddRange(batch.OfType<OperationSnapshot>().Where(filter.Matches));
        }

        if (page.Count <= size)
        {
            return (page, "");
        }

        page.RemoveRange(size, page.Count - size);
        return (page, PageToken.For(page[^1].OperationId));
    }

    private async Task<OperationSnapshot?> ReadAsync(string id)
    {
        try
        {
            return await _cluster.Operation(id).GetAsync();
        }
        catch (OperationNotFoundException)
        {
            return null;
        }
    }
}
