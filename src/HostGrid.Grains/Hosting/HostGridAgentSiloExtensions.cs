using HostGrid.Grains.Agent;
using HostGrid.Grains.Placement;
using HostGrid.Hypervisor;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace HostGrid.Grains.Hosting;

/// <summary>Makes a silo the agent of some hosts.</summary>
public static class HostGridAgentSiloExtensions
{
    /// <summary>
    /// Serves <paramref name="hosts"/> from this silo: a driver for each, silo metadata that pins their
    /// <see cref="IHostAgentGrain"/>s here, and the heartbeat loop that registers them and keeps them Up.
    /// </summary>
    public static ISiloBuilder ServeHosts(
        this ISiloBuilder silo,
        IReadOnlyCollection<HostRegistration> hosts,
        Func<IServiceProvider, HostRegistration, IHypervisorDriver> createDriver)
    {
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [HostAffinityPlacement.MetadataKey] = string.Join(',', hosts.Select(h => h.HostId.Value)),
        });
        foreach (var host in hosts)
        {
            silo.Services.AddSingleton(host);
        }

        silo.Services.AddSingleton(sp => new LocalHypervisors(hosts.Select(h => createDriver(sp, h))));
        silo.Services.AddSingleton<IsolationMonitor>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<IsolationMonitor>());
        silo.Services.AddHostedService<HostHeartbeatService>();
        return silo;
    }
}
