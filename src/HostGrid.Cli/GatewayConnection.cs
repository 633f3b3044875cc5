using Grpc.Core;
using Grpc.Net.Client;
using HostGrid.Api.V1;

namespace HostGrid.Cli;

/// <summary>The gateway clients of one command, all bound by the command's deadline.</summary>
internal sealed class GatewayConnection : IDisposable
{
    /// <summary>The API's maximum page size, so a list takes as few round trips as possible.</summary>
    public const int PageSize = 1000;

    private readonly DateTime _deadline;
    private readonly GrpcChannel? _channel;

    public GatewayConnection(CallInvoker invoker, DateTime deadline, GrpcChannel? channel = null)
    {
        _deadline = deadline;
        _channel = channel;
        Vms = new VmService.VmServiceClient(invoker);
        Hosts = new HostService.HostServiceClient(invoker);
        Cluster = new ClusterService.ClusterServiceClient(invoker);
        Failovers = new FailoverService.FailoverServiceClient(invoker);
    }

    public VmService.VmServiceClient Vms { get; }
    public HostService.HostServiceClient Hosts { get; }
    public ClusterService.ClusterServiceClient Cluster { get; }
    public FailoverService.FailoverServiceClient Failovers { get; }

    /// <summary>Grpc.Net.Client speaks HTTP/2 with prior knowledge to an http:// address (h2c).</summary>
    public static GatewayConnection Open(Uri gateway, DateTime deadline)
    {
        var channel = GrpcChannel.ForAddress(gateway);
        return new GatewayConnection(channel.CreateCallInvoker(), deadline, channel);
    }

    public CallOptions Call(CancellationToken cancellationToken) => new(deadline: _deadline, cancellationToken: cancellationToken);

    public async Task<List<Host>> ListAllHostsAsync(ListHostsRequest filter, CancellationToken cancellationToken)
    {
        var hosts = new List<Host>();
        var request = filter.Clone();
        request.PageSize = PageSize;
        do
        {
            var page = await Hosts.ListHostsAsync(request, Call(cancellationToken));
            hosts.AddRange(page.Hosts);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return hosts;
    }

    public async Task<List<Vm>> ListAllVmsAsync(ListVmsRequest filter, CancellationToken cancellationToken)
    {
        var vms = new List<Vm>();
        var request = filter.Clone();
        request.PageSize = PageSize;
        do
        {
            var page = await Vms.ListVmsAsync(request, Call(cancellationToken));
            vms.AddRange(page.Vms);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return vms;
    }

    public async Task<List<Failover>> ListAllFailoversAsync(ListFailoversRequest filter, CancellationToken cancellationToken)
    {
        var failovers = new List<Failover>();
        var request = filter.Clone();
        request.PageSize = PageSize;
        do
        {
            var page = await Failovers.ListFailoversAsync(request, Call(cancellationToken));
            failovers.AddRange(page.Failovers);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return failovers;
    }

    public void Dispose() => _channel?.Dispose();
}
