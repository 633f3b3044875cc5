using HostGrid.Testing;

namespace HostGrid.IntegrationTests;

/// <summary>A running three-agent cluster shared by the tests of one class.</summary>
public sealed class ThreeAgentClusterFixture : IAsyncLifetime
{
    public static readonly AgentSpec[] Specs =
    [
        new("hv-1", 16, 32768, 500, new Dictionary<string, string> { ["zone"] = "a" }),
        new("hv-2", 8, 16384, 250, new Dictionary<string, string> { ["zone"] = "b" }),
        new("hv-3", 8, 16384, 250, new Dictionary<string, string> { ["zone"] = "b" }),
    ];

    public LocalCluster Cluster { get; } = new(Specs);

    public Task InitializeAsync() => Cluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
