using Grpc.Core;
using Grpc.Net.Client;
using HostGrid.Api.V1;

namespace HostGrid.Cli;

/// <summary>The gateway clients of one command, all bound by the command's deadline.</summary>
internal sealed class GatewayConnection : IDisposable
{
    /// <summary>The API's maximum page size, so a list takes as few round trips as possible.</summary>
    public const int PageSize = 1000;

    /// <summary>Upper bound on pages one list follows: a million items at <see cref="PageSize"/>.</summary>
    public const int MaxPages = 1000;

    private readonly DateTime _deadline;
    private readonly TimeSpan _timeout;
    private readonly GrpcChannel? _channel;

    /// <param name="invoker">The channel to the gateway (a fake in tests).</param>
    /// <param name="timeout">The `--timeout`: <see cref="Call"/> ends every call by one deadline this long after the start, <see cref="Poll"/> gives each call its own.</param>
    /// <param name="channel">Disposed with the connection; null when the invoker is not a channel's.</param>
    public GatewayConnection(CallInvoker invoker, TimeSpan timeout, GrpcChannel? channel = null)
    {
        _timeout = timeout;
        _deadline = DateTime.UtcNow + timeout;
        _channel = channel;
        Vms = new VmService.VmServiceClient(invoker);
        Hosts = new HostService.HostServiceClient(invoker);
        Cluster = new ClusterService.ClusterServiceClient(invoker);
        Failovers = new FailoverService.FailoverServiceClient(invoker);
        Operations = new OperationService.OperationServiceClient(invoker);
        Rebalance = new RebalanceService.RebalanceServiceClient(invoker);
    }

    public VmService.VmServiceClient Vms { get; }
    public HostService.HostServiceClient Hosts { get; }
    public ClusterService.ClusterServiceClient Cluster { get; }
    public FailoverService.FailoverServiceClient Failovers { get; }
    public OperationService.OperationServiceClient Operations { get; }
    public RebalanceService.RebalanceServiceClient Rebalance { get; }

    /// <summary>Grpc.Net.Client speaks HTTP/2 with prior knowledge to an http:// address (h2c).</summary>
    public static GatewayConnection Open(Uri gateway, TimeSpan timeout)
    {
        var channel = GrpcChannel.ForAddress(gateway);
        return new GatewayConnection(channel.CreateCallInvoker(), timeout, channel);
    }

    /// <summary>A call of a one-shot command: every call of the command shares one deadline, `--timeout` after its start.</summary>
    public CallOptions Call(CancellationToken cancellationToken) => new(deadline: _deadline, cancellationToken: cancellationToken);

    /// <summary>A call made while following an operation, which may outlast `--timeout`: each poll gets its own deadline.</summary>
    public CallOptions Poll(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow + _timeout, cancellationToken: cancellationToken);

    public Task<List<Host>> ListAllHostsAsync(ListHostsRequest filter, CancellationToken cancellationToken)
    {
        var request = filter.Clone();
        request.PageSize = PageSize;
        return ListAllAsync<Host>(
            async token => { request.PageToken = token; var page = await Hosts.ListHostsAsync(request, Call(cancellationToken)); return (page.Hosts, page.NextPageToken); });
    }

    public Task<List<Vm>> ListAllVmsAsync(ListVmsRequest filter, CancellationToken cancellationToken)
    {
        var request = filter.Clone();
        request.PageSize = PageSize;
        return ListAllAsync<Vm>(
            async token => { request.PageToken = token; var page = await Vms.ListVmsAsync(request, Call(cancellationToken)); return (page.Vms, page.NextPageToken); });
    }

    public Task<List<Failover>> ListAllFailoversAsync(ListFailoversRequest filter, CancellationToken cancellationToken)
    {
        var request = filter.Clone();
        request.PageSize = PageSize;
        return ListAllAsync<Failover>(
            async token => { request.PageToken = token; var page = await Failovers.ListFailoversAsync(request, Call(cancellationToken)); return (page.Failovers, page.NextPageToken); });
    }

    public Task<List<Operation>> ListAllOperationsAsync(ListOperationsRequest filter, CancellationToken cancellationToken)
    {
        var request = filter.Clone();
        request.PageSize = PageSize;
        return ListAllAsync<Operation>(
            async token => { request.PageToken = token; var page = await Operations.ListOperationsAsync(request, Call(cancellationToken)); return (page.Operations, page.NextPageToken); });
    }

    /// <summary>Follows page tokens to the end (at most <see cref="MaxPages"/> pages, so a server that loops cannot hang the CLI).</summary>
    private static async Task<List<T>> ListAllAsync<T>(Func<string, Task<(IEnumerable<T> Items, string Next)>> fetch)
    {
        var all = new List<T>();
        var token = "";
        for (var pages = 0; pages < MaxPages; pages++)
        {
            var (items, next) = await fetch(token);
            all.AddRange(items);
            if (next.Length == 0)
            {
                return all;
            }

            token = next;
        }

        throw new InvalidOperationException($"the gateway returned more than {MaxPages} pages");
    }

    public void Dispose() => _channel?.Dispose();
}
