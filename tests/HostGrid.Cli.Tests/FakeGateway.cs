using Google.Protobuf;
using Grpc.Core;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Tests;

/// <summary>An in-memory gateway: answers unary calls by method name and records every request with its options.</summary>
internal sealed class FakeGateway : CallInvoker
{
    private readonly Dictionary<string, Func<IMessage, IMessage>> _handlers = [];

    public List<(string Method, IMessage Request, CallOptions Options)> Calls { get; } = [];

    /// <summary>Answers <paramref name="method"/> (e.g. "GetVm") with <paramref name="handler"/>, which may throw an RpcException.</summary>
    public FakeGateway On<TRequest>(string method, Func<TRequest, IMessage> handler)
        where TRequest : IMessage
    {
        _handlers[method] = request => handler((TRequest)request);
        return this;
    }

    /// <summary>
    /// Serves FailoverService like the gateway does: ListFailovers filters by host_id and pages
    /// <paramref name="pageSize"/> at a time in the given order; GetFailover finds by `failovers/{id}` or id, else NOT_FOUND.
    /// </summary>
    public FakeGateway ServeFailovers(IEnumerable<Failover> failovers, int pageSize = 1000)
    {
        var all = failovers.ToList();
        On<ListFailoversRequest>("ListFailovers", request =>
        {
            var matching = all.Where(f => request.HostId.Length == 0 || f.HostId == request.HostId).ToList();
            var start = request.PageToken.Length == 0 ? 0 : int.Parse(request.PageToken, System.Globalization.CultureInfo.InvariantCulture);
            var response = new ListFailoversResponse { Failovers = { matching.Skip(start).Take(pageSize) } };
            if (start + pageSize < matching.Count)
                response.NextPageToken = (start + pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return response;
        });
        On<GetFailoverRequest>("GetFailover", request =>
        {
            var id = request.Name.StartsWith("failovers/", StringComparison.Ordinal) ? request.Name["failovers/".Length..] : request.Name;
            return all.FirstOrDefault(f => f.FailoverId == id)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"failover {id} not found"));
        });
        return this;
    }

    /// <summary>
    /// Serves GetOperation from a script per operation: each read of `operations/{id}` (or the bare id) answers the
    /// next snapshot, and the last one from then on; an unknown operation is NOT_FOUND.
    /// </summary>
    public FakeGateway ServeOperations(params Operation[][] scripts)
    {
        var remaining = scripts.ToDictionary(s => s[0].OperationId, s => new Queue<Operation>(s), StringComparer.Ordinal);
        On<GetOperationRequest>("GetOperation", request =>
        {
            var id = request.Name.StartsWith("operations/", StringComparison.Ordinal) ? request.Name["operations/".Length..] : request.Name;
            if (!remaining.TryGetValue(id, out var script))
                throw new RpcException(new Status(StatusCode.NotFound, $"operation {id} not found"));
            lock (script)
                return script.Count > 1 ? script.Dequeue() : script.Peek();
        });
        return this;
    }

    public T Request<T>(int index = 0)
        where T : IMessage => Calls.Select(c => c.Request).OfType<T>().ElementAt(index);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var message = (IMessage)request;
        lock (Calls)
            Calls.Add((method.Name, message.Descriptor.Parser.ParseFrom(message.ToByteString()), options)); // a copy: paging reuses the request
        var response = Task.Run(() => (TResponse)_handlers[method.Name](message));
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}
