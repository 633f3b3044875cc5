using System.Net;
using HostGrid.Core.Cluster;
using HostGrid.Core.Configuration;
using HostGrid.Gateway.Api;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Configuration;

namespace HostGrid.Gateway.Hosting;

/// <summary>Wires the gateway: an Orleans client of the cluster and the gRPC API on one HTTP/2 endpoint.</summary>
public static class HostGridGatewayExtensions
{
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ClientResponseTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(2);

    public static WebApplicationBuilder AddHostGridGateway(this WebApplicationBuilder builder)
    {
        var cluster = ValidatedOptions.Bind<HostGridClusterOptions, HostGridClusterOptionsValidator>(builder.Configuration, builder.Services, HostGridClusterOptions.SectionName);
        var gateway = ValidatedOptions.Bind<GatewayOptions, GatewayOptionsValidator>(builder.Configuration, builder.Services, GatewayOptions.SectionName);

        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Parse(gateway.Address), gateway.Port, listen => listen.Protocols = HttpProtocols.Http2));

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = cluster.ConnectionString;
            });
            // A hung (not dead) agent silo keeps its connections open: bound how long a call may wait on it, and
            // refresh the gateway list often so a dead gateway silo is dropped within seconds.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ClientResponseTimeout);
            client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefreshPeriod);
            // Agents may start after the gateway: keep trying rather than exit.
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                await Task.Delay(ConnectRetryDelay, cancellationToken);
                return true;
            });
        });

        builder.Services.AddSingleton<ClusterReader>();
        builder.Services.AddGrpc(o => o.Interceptors.Add<DomainErrorInterceptor>());
        builder.Services.AddGrpcReflection();
        // Checked on each request rather than from a cache published every few seconds.
        builder.Services.AddGrpcHealthChecks(o => o.UseHealthChecksCache = false).AddCheck<ClusterHealthCheck>("cluster");
        return builder;
    }

    public static WebApplication MapHostGridApi(this WebApplication app)
    {
        app.MapGrpcService<VmApi>();
        app.MapGrpcService<HostApi>();
        app.MapGrpcService<ClusterApi>();
        app.MapGrpcService<FailoverApi>();
        app.MapGrpcService<OperationApi>();
        app.MapGrpcService<RebalanceApi>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        return app;
    }
}
