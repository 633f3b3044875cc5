using HostGrid.Contracts.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HostGrid.Gateway.Hosting;

/// <summary>The gateway is healthy when it can reach the cluster: one read of the inventory, bounded.</summary>
public sealed class ClusterHealthCheck : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly IGrainFactory _grains;

    public ClusterHealthCheck(IGrainFactory grains) => _grains = grains;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await _grains.GetGrain<IInventoryGrain>(IInventoryGrain.Key).ListHostsAsync().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy($"{hosts.Count} hosts");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("cluster unreachable", e);
        }
    }
}
