using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HostGrid.ChaosTests;

/// <summary>
/// Four real agents whose migrations are held to <see cref="BandwidthMibPerSecond"/> (so a test can act mid-pre-copy)
/// and whose guests dirty memory, plus an Orleans client to start migrations and read operations.
/// </summary>
public sealed class MigrationClusterFixture : IAsyncLifetime
{
    public const int BandwidthMibPerSecond = 128;

    public static readonly AgentSpec[] Specs = Enumerable.Range(1, 4)
        .Select(i => new AgentSpec($"hv-{i}", 16, 32768, 500))
        .ToArray();

    private IHost? _client;
    private OneCopyChecker? _checker;

    public LocalCluster Cluster { get; } = new(Specs, new Dictionary<string, string>
    {
        ["HostGrid__Simulated__MigrationBandwidthLimitMibPerSecond"] = BandwidthMibPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["HostGrid__Simulated__DirtyRateMibPerSecond"] = "16",
    });

    public OneCopyChecker Checker => _checker ??= new OneCopyChecker(Cluster.LedgerDirectory);

    public IClusterClient Orleans => _client!.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        await Cluster.StartAsync();
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
}
