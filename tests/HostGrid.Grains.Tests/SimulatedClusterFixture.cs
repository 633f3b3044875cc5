using HostGrid.Contracts.Cluster;
using HostGrid.Grains;
using HostGrid.Grains.Failover;
using HostGrid.Grains.Hosting;
using HostGrid.Hypervisor;
using HostGrid.Hypervisor.Simulated;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace HostGrid.Grains.Tests;

/// <summary>
/// Three silos, each the agent of one simulated host (hv-1 large, hv-2 and hv-3 smaller, hv-3 labelled ssd),
/// with in-memory grain storage. Waits until every host is Up.
/// </summary>
public sealed class SimulatedClusterFixture : IAsyncLifetime
{
    public static readonly HostRegistration[] Hosts =
    [
        new(new HostId("hv-1"), new ResourceAmounts(16, 32768, 500), new Dictionary<string, string> { ["zone"] = "a" }),
        new(new HostId("hv-2"), new ResourceAmounts(8, 16384, 250), new Dictionary<string, string> { ["zone"] = "b" }),
        new(new HostId("hv-3"), new ResourceAmounts(8, 16384, 250), new Dictionary<string, string> { ["zone"] = "b", ["disk"] = "ssd" }),
    ];

    private static readonly Dictionary<string, HostRegistration> HostBySilo = new()
    {
        ["Silo_0"] = Hosts[0],
        ["Silo_1"] = Hosts[1],
        ["Silo_2"] = Hosts[2],
    };

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The agents' leases, one store for all silos as one database would be.</summary>
    public InMemoryAgentLeases Leases { get; } = new(TimeProvider.System);

    /// <summary>Each host's simulated hypervisor, to break it in tests.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<HostId, SimulatedHypervisor> Hypervisors { get; } = new();

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((options, silo) =>
        {
            var host = HostBySilo[options.SiloName];
            ProcessWideGrainStorage.Add(silo, HostGridStorage.ProviderName);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IAgentLeases>(Leases);
            silo.AddHostGridGrains();
            silo.ServeHosts([host], (_, h) => Hypervisors[h.HostId] = new SimulatedHypervisor(h.HostId, new SimulatedHypervisorOptions { StartLatency = TimeSpan.Zero }, TimeProvider.System));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Eventually.Async(
            async () =>
            {
                var ids = await Client.GetGrain<IInventoryGrain>(IInventoryGrain.Key).ListHostsAsync();
                var snapshots = await Task.WhenAll(ids.Select(id => Client.GetGrain<IHostGrain>(id.Value).GetSnapshotAsync()));
                return snapshots.Count(s => s.Status == HostStatus.Up) == Hosts.Length;
            },
            TimeSpan.FromSeconds(30),
            "all three hosts Up");
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>The driver of a host, in the silo that serves it.</summary>
    public EpochFencedDriver DriverOf(HostId hostId)
    {
        foreach (var silo in Cluster.Silos)
        {
            if (silo.ServiceProvider.GetService(typeof(LocalHypervisors)) is LocalHypervisors local && local.TryGet(hostId, out var driver))
            {
                return driver;
            }
        }

        throw new InvalidOperationException($"no silo serves {hostId}");
    }

    /// <summary>The silo that serves a host.</summary>
    public InProcessSiloHandle SiloOf(HostId hostId) =>
        Cluster.Silos.Single(s => s.ServiceProvider.GetService(typeof(LocalHypervisors)) is LocalHypervisors local && local.TryGet(hostId, out _));

    public Task<HostSnapshot> HostAsync(string hostId) => Client.GetGrain<IHostGrain>(hostId).GetSnapshotAsync();
}
