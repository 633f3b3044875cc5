using HostGrid.Contracts.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;
using HostId = HostGrid.Contracts.HostId;
using IVmGrain = HostGrid.Contracts.Vms.IVmGrain;
using MigrationPhase = HostGrid.Contracts.Migration.MigrationPhase;
using OperationState = HostGrid.Contracts.Operations.OperationState;
using VmState = HostGrid.Contracts.Vms.VmState;

namespace HostGrid.ChaosTests;

/// <summary>
/// Agents whose switch-over holds the paused guest for 3 s before sending the last pages (fault injection), so a test can
/// kill one end mid-switch-over: before the commit the move rolls back (destination killed: the source resumes; source
/// killed: failover restarts the guest elsewhere), and the ledgers show no loss and never two copies.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class SwitchOverChaosTests : IAsyncLifetime
{
    private static readonly AgentSpec[] Specs = Enumerable.Range(1, 4).Select(i => new AgentSpec($"hv-{i}", 16, 32768, 500)).ToArray();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly ITestOutputHelper _output;
    private IHost? _client;
    private OneCopyChecker? _checker;

    public SwitchOverChaosTests(ITestOutputHelper output) => _output = output;

    private LocalCluster Cluster { get; } = new(Specs, new Dictionary<string, string>
    {
        ["HostGrid__Simulated__MigrationSwitchOverDelay"] = "00:00:03",
        ["HostGrid__Simulated__DirtyRateMibPerSecond"] = "8",
    });

    private OneCopyChecker Checker => _checker ??= new OneCopyChecker(Cluster.LedgerDirectory);

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
    public async Task KillDuringSwitchOver_DestinationThenSource_NoLossNeverTwoCopies()
    {
        // Destination killed while the source holds the paused guest: the source resumes it at its old epoch.
        var first = await CreateAsync("so-dst", "hv-1");
        var toDst = await MigrateToSwitchOverAsync("so-dst", "hv-2");
        Checker.Killed("hv-2", Cluster.KillAgent("hv-2"));
        var rolledBack = await FinishedAsync(toDst);
        _output.WriteLine($"destination killed: {rolledBack.State}: {rolledBack.Message}");
        Assert.Equal(OperationState.Failed, rolledBack.State);
        await AssertRunsOnceAsync("so-dst", "hv-1", first.Epoch);
        Cluster.RestartAgent("hv-2");
        await Cluster.WaitForHostsUpAsync(Specs.Length, TimeSpan.FromSeconds(60));

        // Source killed while paused: nothing committed, so the guest fails over from the source like any guest of a dead host.
        var second = await CreateAsync("so-src", "hv-3");
        var toSrc = await MigrateToSwitchOverAsync("so-src", "hv-4");
        Checker.Killed("hv-3", Cluster.KillAgent("hv-3"));
        var failed = await FinishedAsync(toSrc);
        _output.WriteLine($"source killed: {failed.State}: {failed.Message}");
        Assert.Equal(OperationState.Failed, failed.State);
        var after = await Eventually.Async(
            () => Vm("so-src").GetAsync(),
            vm => vm.State == VmState.Running && vm.Host is { } host && host.Value != "hv-3",
            Timeout,
            "so-src to fail over off the killed source");
        Assert.True(after.Epoch > second.Epoch);
        await AssertRunsOnceAsync("so-src", after.Host!.Value.Value, after.Epoch);
    }

    private IVmGrain Vm(string id) => Orleans.GetGrain<IVmGrain>(id);

    /// <summary>Creates through the API, retrying while the gateway's client still reaches for a restarted silo (bounded).</summary>
    private async Task<Contracts.Vms.VmSnapshot> CreateAsync(string id, string host)
    {
        await Eventually.Async(
            async () =>
            {
                try
                {
                    await Cluster.Vms.CreateVmAsync(new CreateVmRequest
                    {
                        VmId = id,
                        Resources = new Resources { Vcpus = 1, MemoryMib = 512, DiskGib = 10 },
                        TargetHostId = host,
                    });
                    return true;
                }
                catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
                {
                    return true; // an earlier attempt went through
                }
            },
            created => created,
            TimeSpan.FromSeconds(30),
            $"{id} to be created");
        return await Vm(id).GetAsync();
    }

    /// <summary>
    /// Starts the migration and returns once the source has paused the guest for the switch-over. The start is retried
    /// (bounded) while a grain still points at a killed silo that membership has not yet declared dead, as a client
    /// retries Unavailable.
    /// </summary>
    private async Task<string> MigrateToSwitchOverAsync(string id, string target)
    {
        OperationSnapshot? started = null;
        await Eventually.Async(
            async () =>
            {
                try
                {
                    started = await Vm(id).MigrateAsync(new HostId(target));
                    return true;
                }
                catch (OrleansMessageRejectionException)
                {
                    return false;
                }
            },
            done => done,
            TimeSpan.FromSeconds(30),
            $"the migration of {id} to start");
        await Eventually.Async(
            () => Orleans.GetGrain<IOperationGrain>(started!.OperationId).GetAsync(),
            o => o.Phase == MigrationPhase.SwitchOver,
            Timeout,
            $"{started!.OperationId} to reach the switch-over");
        return started.OperationId;
    }

    private Task<OperationSnapshot> FinishedAsync(string operationId) =>
        Eventually.Async(() => Orleans.GetGrain<IOperationGrain>(operationId).GetAsync(), o => o.IsFinished, Timeout, $"{operationId} to finish");

    private async Task AssertRunsOnceAsync(string id, string host, long epoch)
    {
        var vm = await Vm(id).GetAsync();
        Assert.Equal(VmState.Running, vm.State);
        Assert.Equal(host, vm.Host!.Value.Value);
        Assert.Equal(epoch, vm.Epoch);
        await Eventually.Async(
            () => Task.FromResult(Checker.Running(DateTimeOffset.UtcNow).GetValueOrDefault(id)),
            copy => copy is not null && copy.Host == host && copy.Epoch == epoch,
            TimeSpan.FromSeconds(10),
            $"the ledger to show {id} running on {host} at epoch {epoch}");
        var doubles = Checker.Doubles(DateTimeOffset.UtcNow);
        Assert.True(doubles.Count == 0, "two copies ran at once:\n" + string.Join('\n', doubles));
    }
}
