using HostGrid.Contracts.Operations;
using HostGrid.Contracts.Rebalancing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;
using OperationState = HostGrid.Contracts.Operations.OperationState;

namespace HostGrid.ChaosTests;

/// <summary>
/// The rebalancer in automatic mode on three real agents: all guests start on one host; once the imbalance has stayed
/// above target for the (shortened) sustained window, a pass moves guests off it by live migration, every guest still
/// runs exactly once, and the imbalance the heartbeats measure drops under the target.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class RebalanceChaosTests : IAsyncLifetime
{
    private static readonly AgentSpec[] Specs = Enumerable.Range(1, 3).Select(i => new AgentSpec($"hv-{i}", 16, 32768, 500)).ToArray();
    private readonly ITestOutputHelper _output;
    private LocalCluster Cluster { get; } = new(Specs, new Dictionary<string, string>
    {
        ["HostGrid__Rebalancer__Mode"] = "Auto",
        ["HostGrid__Rebalancer__Interval"] = "00:00:01",
        ["HostGrid__Rebalancer__SustainedWindow"] = "00:00:04",
        ["HostGrid__Simulated__DirtyRateMibPerSecond"] = "4",
    });

    private IHost? _client;

    public RebalanceChaosTests(ITestOutputHelper output) => _output = output;

    private IClusterClient Orleans => _client!.Services.GetRequiredService<IClusterClient>();

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

    [Fact]
    public async Task AutoMode_SkewedCluster_PassMovesGuestsOffTheHotHostAndEveryGuestRunsOnce()
    {
        var guests = Enumerable.Range(1, 6).Select(i => $"hot-{i}").ToList();
        foreach (var id in guests)
        {
            await Cluster.Vms.CreateVmAsync(new CreateVmRequest
            {
                VmId = id,
                Resources = new Resources { Vcpus = 2, MemoryMib = 2048, DiskGib = 10 },
                TargetHostId = "hv-1",
                Labels = { ["sim.hostgrid.io/profile"] = "steady" },
            });
        }

        var rebalancer = Orleans.GetGrain<IRebalancerGrain>(IRebalancerGrain.Key);
        var pass = await Eventually.Async(
            async () => (await Orleans.GetGrain<IOperationIndexGrain>(IOperationIndexGrain.Key).ListAsync()).FirstOrDefault(id => id.StartsWith("rebalance-", StringComparison.Ordinal)),
            id => id is not null,
            TimeSpan.FromSeconds(60),
            "the automatic rebalancer to start a pass");
        var done = await Eventually.Async(
            () => Orleans.GetGrain<IOperationGrain>(pass!).GetAsync(),
            o => o.IsFinished,
            TimeSpan.FromSeconds(90),
            $"pass {pass} to finish");

        _output.WriteLine($"{done.State}: {done.Message}");
        Assert.Equal(OperationState.Succeeded, done.State);
        Assert.True(done.Rebalance!.Moved >= 1, "the pass moved guests");
        var vms = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = 100 })).Vms;
        Assert.Equal(guests.Count, vms.Count);
        Assert.All(vms, vm => Assert.Equal(VmState.Running, vm.State));
        Assert.True(vms.Count(vm => vm.HostId != "hv-1") >= done.Rebalance.Moved, "the moved guests run elsewhere");
        var checker = new OneCopyChecker(Cluster.LedgerDirectory);
        var running = checker.Running(DateTimeOffset.UtcNow);
        Assert.All(vms, vm => Assert.True(running.TryGetValue(vm.VmId, out var copy) && copy.Host == vm.HostId && copy.Epoch == vm.Epoch, $"{vm.VmId} runs once on {vm.HostId} at e{vm.Epoch}"));
        Assert.Empty(checker.Doubles(DateTimeOffset.UtcNow));
        var status = await Eventually.Async(
            () => rebalancer.GetStatusAsync(),
            s => s.Imbalance < done.Rebalance.Plan.ImbalanceBefore,
            TimeSpan.FromSeconds(15),
            "the measured imbalance to drop");
        _output.WriteLine($"imbalance {done.Rebalance.Plan.ImbalanceBefore:F3} -> {status.Imbalance:F3} (target {status.TargetImbalance:F3})");
    }
}
