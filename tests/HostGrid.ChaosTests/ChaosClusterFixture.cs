using HostGrid.Contracts.Failover;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HostGrid.ChaosTests;

/// <summary>
/// Five agents of 16 vCPU / 32 GiB and 40 guests (1 vCPU, 1 GiB), plus an Orleans client
/// for what the public API does not show (where the failover coordinator runs).
/// </summary>
public sealed class ChaosClusterFixture : IAsyncLifetime
{
    public const int VmCount = 40;

    public static readonly AgentSpec[] Specs = Enumerable.Range(1, 5)
        .Select(i => new AgentSpec($"hv-{i}", 16, 32768, 500))
        .ToArray();

    private IHost? _client;

    public LocalCluster Cluster { get; } = new(Specs);

    public OneCopyChecker Checker => _checker ??= new OneCopyChecker(Cluster.LedgerDirectory);

    private OneCopyChecker? _checker;

    public IClusterClient Orleans => _client!.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        await Cluster.StartAsync();
        for (var i = 0; i < VmCount; i++)
        {
            await Cluster.Vms.CreateVmAsync(new CreateVmRequest
            {
                VmId = $"chaos-{i:D2}",
                Resources = new Resources { Vcpus = 1, MemoryMib = 1024, DiskGib = 10 },
            });
        }

        _client = await ClusterClient.StartAsync(Cluster);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        await Cluster.DisposeAsync();
    }

    /// <summary>The host whose agent runs the failover coordinator.</summary>
    public async Task<string> CoordinatorHostAsync()
    {
        var silo = await Orleans.GetGrain<IFailoverCoordinatorGrain>(IFailoverCoordinatorGrain.Key).GetSiloAsync();
        return Specs.Select(s => s.HostId).Single(h => silo.Contains($":{Cluster.SiloPort(h)}:", StringComparison.Ordinal));
    }
}
