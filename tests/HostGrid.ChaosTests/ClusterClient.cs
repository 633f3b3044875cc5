using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace HostGrid.ChaosTests;

/// <summary>An Orleans client of a <see cref="LocalCluster"/>, for what the public API does not show or start.</summary>
public static class ClusterClient
{
    /// <summary>Builds and starts a client on the cluster's membership table; <paramref name="configure"/> adds to it.</summary>
    public static async Task<IHost> StartAsync(LocalCluster cluster, Action<IClientBuilder>? configure = null)
    {
        var host = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ClusterId;
                });
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = TestDatabase.ConnectionString;
                });
                configure?.Invoke(client);
            })
            .Build();
        await host.StartAsync();
        return host;
    }
}
