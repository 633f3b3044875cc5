using System.Diagnostics.CodeAnalysis;
using HostGrid.Contracts.Failover;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace HostGrid.ChaosTests;

/// <summary>
/// Four agents of 16 vCPU / 32 GiB, each started in a cgroup of its own so <see cref="NetworkPartition"/> can cut one
/// off the network, and 24 guests (1 vCPU, 1 GiB); plus an Orleans client to find the failover coordinator.
/// Where no partition can be made the tests are skipped (<see cref="PartitionFactAttribute"/>) and this starts nothing;
/// under CI it fails instead.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes a fixture through IAsyncLifetime.DisposeAsync")]
public sealed class PartitionClusterFixture : IAsyncLifetime
{
    public const int VmCount = 24;

    public static readonly AgentSpec[] Specs = Enumerable.Range(1, 4)
        .Select(i => new AgentSpec($"hv-{i}", 16, 32768, 500))
        .ToArray();

    private IHost? _client;
    private AgentCgroups? _cgroups;
    private LocalCluster? _cluster;
    private OneCopyChecker? _checker;

    /// <summary>Under CI (CI=true) a missing partition mechanism fails the tests instead of skipping them.</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("the partition cluster did not start");

    public AgentCgroups Cgroups => _cgroups!;

    public OneCopyChecker Checker => _checker ??= new OneCopyChecker(Cluster.LedgerDirectory);

    public IClusterClient Orleans => _client!.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        if (NetworkPartition.Unavailable() is { } reason)
        {
            if (Required)
            {
                throw new InvalidOperationException($"CI=true but no network partition can be made here: {reason}");
            }

            return;
        }

        _cgroups = new AgentCgroups(Specs.Select(s => s.HostId));
        _cluster = new LocalCluster(Specs) { AgentCgroup = _cgroups.DirectoryOf };
        await _cluster.StartAsync();
        for (var i = 0; i < VmCount; i++)
        {
            await _cluster.Vms.CreateVmAsync(new CreateVmRequest
            {
                VmId = $"part-{i:D2}",
                Resources = new Resources { Vcpus = 1, MemoryMib = 1024, DiskGib = 10 },
            });
        }

        _client = await ClusterClient.StartAsync(_cluster, client =>
        {
            // As the gateway does: a cut silo keeps its connections open, so bound calls and drop it from the
            // gateway list within seconds (Orleans' defaults: 30 s and 1 min).
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));

        });
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        // After the cluster: a cgroup is removed once its agent is gone.
        _cgroups?.Dispose();
    }

    /// <summary>The host whose agent runs the failover coordinator.</summary>
    public async Task<string> CoordinatorHostAsync()
    {
        var silo = await Orleans.GetGrain<IFailoverCoordinatorGrain>(IFailoverCoordinatorGrain.Key).GetSiloAsync();
        return Specs.Select(s => s.HostId).Single(h => silo.Contains($":{Cluster.SiloPort(h)}:", StringComparison.Ordinal));
    }
}
