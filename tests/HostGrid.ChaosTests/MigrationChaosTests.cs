using HostGrid.Contracts.Operations;
using Xunit.Abstractions;
using HostId = HostGrid.Contracts.HostId;
using MigrationPhase = HostGrid.Contracts.Migration.MigrationPhase;
using OperationState = HostGrid.Contracts.Operations.OperationState;
using IVmGrain = HostGrid.Contracts.Vms.IVmGrain;
using VmSnapshot = HostGrid.Contracts.Vms.VmSnapshot;
using VmState = HostGrid.Contracts.Vms.VmState;

namespace HostGrid.ChaosTests;

/// <summary>
/// Live migration between real agent processes: under a dirtying workload, with the destination or the source killed
/// mid-pre-copy, and a whole host drained. The guest ledgers decide: no guest lost, never two copies at once.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class MigrationChaosTests : IClassFixture<MigrationClusterFixture>
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(90);
    private readonly MigrationClusterFixture _fixture;
    private readonly ITestOutputHelper _output;

    public MigrationChaosTests(MigrationClusterFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private LocalCluster Cluster => _fixture.Cluster;

    private OneCopyChecker Checker => _fixture.Checker;

    [Fact]
    public async Task Migrate_UnderDirtyingWorkload_DestinationVerifiesEveryPageAndOneCopyRuns()
    {
        var before = await CreateAsync("live-dirty", "hv-1", memoryMib: 1024, dirtyMibPerSecond: 32);

        var done = await MigrateAsync("live-dirty", "hv-2");

        _output.WriteLine($"{done.Message}; rounds {done.Progress?.Round}, {done.Progress?.BytesSent / (1 << 20)} MiB sent, downtime {done.Downtime?.TotalMilliseconds:F1} ms");
        Assert.Equal(OperationState.Succeeded, done.State);
        Assert.True(done.Progress!.Round >= 2, "a dirtying guest needs rounds after the full pass");
        Assert.True(done.Progress.BytesSent > 1024L << 20, "dirtied pages were sent again");
        await AssertRunsOnceAsync("live-dirty", "hv-2", before.Epoch + 1);
    }

    [Fact]
    public async Task KillDestination_MidPreCopy_GuestKeepsRunningOnSourceAtItsEpoch()
    {
        var before = await CreateAsync("live-kill-dst", "hv-3", memoryMib: 2048, dirtyMibPerSecond: 8);
        var started = await Vm("live-kill-dst").MigrateAsync(new HostId("hv-4"));
        await InPreCopyAsync(started.OperationId);

        Checker.Killed("hv-4", Cluster.KillAgent("hv-4"));
        var done = await FinishedAsync(started.OperationId);

        _output.WriteLine($"{done.State}: {done.Message}");
        Assert.Equal(OperationState.Failed, done.State);
        await AssertRunsOnceAsync("live-kill-dst", "hv-3", before.Epoch);
        await RestoreAsync("hv-4");
    }

    [Fact]
    public async Task KillSource_MidPreCopy_GuestFailsOverAndRunsOnce()
    {
        var before = await CreateAsync("live-kill-src", "hv-1", memoryMib: 2048, dirtyMibPerSecond: 8);
        var started = await Vm("live-kill-src").MigrateAsync(new HostId("hv-3"));
        await InPreCopyAsync(started.OperationId);

        Checker.Killed("hv-1", Cluster.KillAgent("hv-1"));
        var done = await FinishedAsync(started.OperationId);

        _output.WriteLine($"{done.State}: {done.Message}");
        Assert.Equal(OperationState.Failed, done.State);
        var after = await Eventually.Async(
            () => Vm("live-kill-src").GetAsync(),
            vm => vm.State == VmState.Running && vm.Host is { } host && host.Value != "hv-1",
            OperationTimeout,
            "the guest to fail over off the killed source");
        Assert.True(after.Epoch > before.Epoch, "the failover raised the epoch");
        await AssertRunsOnceAsync("live-kill-src", after.Host!.Value.Value, after.Epoch);
        await RestoreAsync("hv-1");
    }

    [Fact]
    public async Task Drain_HostWithTenGuestsUnderLoad_EmptiesItAndEveryGuestRunsOnceElsewhere()
    {
        var guests = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            guests.Add($"drain-{i}");
            await CreateAsync(guests[^1], "hv-2", memoryMib: 256, dirtyMibPerSecond: 16);
        }

        var maintenance = _fixture.Orleans.GetGrain<IMaintenanceGrain>("hv-2");
        var drain = await maintenance.EnterAsync();
        var done = await FinishedAsync(drain.OperationId, TimeSpan.FromSeconds(150));

        _output.WriteLine($"drain {done.State}: {done.Message}");
        Assert.Equal(OperationState.Succeeded, done.State);
        Assert.True(done.Drain!.Moved >= 10, $"all ten guests moved ({done.Drain})");
        foreach (var id in guests)
        {
            var vm = await Vm(id).GetAsync();
            Assert.NotEqual("hv-2", vm.Host!.Value.Value);
            await AssertRunsOnceAsync(id, vm.Host.Value.Value, vm.Epoch);
        }

        Assert.Empty((await Cluster.Hosts.GetHostAsync(new GetHostRequest { Name = "hv-2" })).VmIds);
        await maintenance.ExitAsync();
    }

    private IVmGrain Vm(string id) => _fixture.Orleans.GetGrain<IVmGrain>(id);

    private IOperationGrain Operation(string id) => _fixture.Orleans.GetGrain<IOperationGrain>(id);

    private async Task<VmSnapshot> CreateAsync(string id, string host, long memoryMib, double dirtyMibPerSecond)
    {
        var request = new CreateVmRequest
        {
            VmId = id,
            Resources = new Resources { Vcpus = 1, MemoryMib = memoryMib, DiskGib = 10 },
            TargetHostId = host,
            Labels = { ["sim.hostgrid.io/dirty-mib-s"] = dirtyMibPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        // A host whose grain was just activated (its silo restarted) is Joining until its next heartbeat, up to a second.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await Cluster.Vms.CreateVmAsync(request);
                return await Vm(id).GetAsync();
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.ResourceExhausted && e.Status.Detail.Contains("is Joining", StringComparison.Ordinal) && watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(200);
            }
        }
    }

    private async Task<OperationSnapshot> MigrateAsync(string id, string target) =>
        await FinishedAsync((await Vm(id).MigrateAsync(new HostId(target))).OperationId);

    /// <summary>Waits until the full pass has sent a quarter of the guest's memory: well inside pre-copy.</summary>
    private Task<OperationSnapshot> InPreCopyAsync(string operationId) =>
        Eventually.Async(
            () => Operation(operationId).GetAsync(),
            o => o.Phase == MigrationPhase.PreCopy && o.Progress is { } p && p.BytesSent > p.MemoryBytes / 4,
            OperationTimeout,
            $"operation {operationId} to be in pre-copy");

    private Task<OperationSnapshot> FinishedAsync(string operationId, TimeSpan? timeout = null) =>
        Eventually.Async(() => Operation(operationId).GetAsync(), o => o.IsFinished, timeout ?? OperationTimeout, $"operation {operationId} to finish");

    /// <summary>The record, the ledger and the one-copy rule agree: the guest runs on <paramref name="host"/> at <paramref name="epoch"/>, once.</summary>
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

    private async Task RestoreAsync(string host)
    {
        Cluster.RestartAgent(host);
        await Cluster.WaitForHostsUpAsync(MigrationClusterFixture.Specs.Length, TimeSpan.FromSeconds(60));
    }
}
