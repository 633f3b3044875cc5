using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;
using HostGrid.Contracts.Operations;
using HostGrid.Hypervisor.Simulated;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Runtime.Placement;

namespace HostGrid.Grains.Tests;

/// <summary>
/// Live migration through the grains on three in-process silos with simulated hypervisors whose data planes talk over
/// real loopback TCP. Each failure test injects one fault and checks the promise: the guest runs on exactly one host,
/// at its old epoch on the source when the move did not commit, and the destination's reservation is gone.
/// </summary>
public sealed class MigrationTests : IClassFixture<SimulatedClusterFixture>, IAsyncLifetime
{
    private readonly SimulatedClusterFixture _cluster;
    private readonly List<string> _created = [];

    public MigrationTests(SimulatedClusterFixture cluster) => _cluster = cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Clears faults and deletes this test's guests, so the small hosts keep room for the next test.</summary>
    public async Task DisposeAsync()
    {
        foreach (var hypervisor in _cluster.Hypervisors.Values)
        {
            hypervisor.MigrationFaults.Reset();
        }

        foreach (var id in _created)
        {
            await WaitForAsync(
                async () =>
                {
                    try
                    {
                        await Vm(id).DeleteAsync();
                        return true;
                    }
                    catch (VmNotFoundException)
                    {
                        return true;
                    }
                    catch (OperationInProgressException)
                    {
                        return false;
                    }
                },
                deleted => deleted,
                $"{id} to be deleted");
        }
    }

    [Fact]
    public async Task Migrate_RunningGuest_MovesWithNewEpochAndLeavesOneCopy()
    {
        var before = await CreateAsync("mig-ok", "hv-2");

        var started = await Vm("mig-ok").MigrateAsync(new HostId("hv-3"));
        var done = await FinishedAsync(started.OperationId);

        Assert.Equal(OperationState.Succeeded, done.State);
        Assert.Equal(MigrationPhase.Done, done.Phase);
        Assert.Equal("hv-2", done.SourceHost!.Value.Value);
        Assert.Equal("hv-3", done.TargetHost!.Value.Value);
        Assert.NotNull(done.Downtime);
        Assert.True(done.Progress!.Round >= 1, "at least the full pass ran");
        Assert.True(done.Progress.BytesSent >= 512L * 1024 * 1024, "every page crossed the socket");
        var after = await Vm("mig-ok").GetAsync();
        Assert.Equal(VmState.Running, after.State);
        Assert.Equal("hv-3", after.Host!.Value.Value);
        Assert.Equal(before.Epoch + 1, after.Epoch);
        await AssertRunsOnlyOnAsync("mig-ok", "hv-3", after.Epoch);
        Assert.DoesNotContain((await _cluster.HostAsync("hv-2")).Reservations, r => r.VmId.Value == "mig-ok");
        Assert.Contains((await _cluster.HostAsync("hv-3")).Reservations, r => r.VmId.Value == "mig-ok");
        Assert.Contains(started.OperationId, await _cluster.Client.GetGrain<IOperationIndexGrain>(IOperationIndexGrain.Key).ListAsync());
    }

    [Fact]
    public async Task Migrate_GrainActivationMovesToTheDestinationsSilo()
    {
        await CreateAsync("mig-follow", "hv-1");

        // Two moves to two different silos: wherever the grain was first placed, at least one is a real move.
        foreach (var target in new[] { "hv-3", "hv-2" })
        {
            var done = await FinishedAsync((await Vm("mig-follow").MigrateAsync(new HostId(target))).OperationId);
            Assert.Equal(OperationState.Succeeded, done.State);
            await WaitForActivationOnAsync("mig-follow", SiloOf(target), $"the guest's grain to live on {target}'s silo");
        }
    }

    [Fact]
    public async Task Activation_AwayFromTheGuestsSilo_MovesThere()
    {
        await CreateAsync("vm-away", "hv-1");
        await Vm("vm-away").AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // The next activation goes where the hint says (as one does after a failed move or its silo's death), not to hv-1.
        await WithPlacementHintAsync(SiloOf("hv-2"), () => Vm("vm-away").GetAsync());

        await WaitForActivationOnAsync("vm-away", SiloOf("hv-1"), "the guest's grain to follow it back to hv-1's silo");
    }

    [Fact]
    public async Task Migrate_ItsCallActivatesTheGrainAwayFromTheGuest_MovesOnceThenTheGrainFollows()
    {
        var before = await CreateAsync("vm-away-mig", "hv-1");
        await Vm("vm-away-mig").AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // The activation away from the guest runs a move in its background: it must not follow (or be moved) mid-move.
        var started = await WithPlacementHintAsync(SiloOf("hv-2"), () => Vm("vm-away-mig").MigrateAsync(new HostId("hv-3")));
        var done = await FinishedAsync(started.OperationId);

        Assert.Equal(OperationState.Succeeded, done.State);
        var after = await Vm("vm-away-mig").GetAsync();
        Assert.Equal((VmState.Running, "hv-3", before.Epoch + 1), (after.State, after.Host!.Value.Value, after.Epoch));
        await AssertRunsOnlyOnAsync("vm-away-mig", "hv-3", after.Epoch);
        await WaitForActivationOnAsync("vm-away-mig", SiloOf("hv-3"), "the guest's grain to follow it to hv-3's silo");
    }

    [Fact]
    public async Task Migrate_HandedOverToPostCopy_CommitsThenSwitchesAndRunsOnTheTarget()
    {
        var before = await CreateAsync("mig-pc", "hv-2");
        Hypervisor("hv-2").MigrationFaults.HandOverToPostCopy = true;

        var done = await FinishedAsync((await Vm("mig-pc").MigrateAsync(new HostId("hv-3"))).OperationId);

        Assert.Equal(OperationState.Succeeded, done.State);
        Assert.True(done.PostCopy, $"finished in post-copy: {done.Message}");
        Assert.NotNull(done.Downtime);
        var after = await Vm("mig-pc").GetAsync();
        Assert.Equal((VmState.Running, "hv-3", before.Epoch + 1), (after.State, after.Host!.Value.Value, after.Epoch));
        await AssertRunsOnlyOnAsync("mig-pc", "hv-3", after.Epoch);
    }

    [Fact]
    public async Task Migrate_PostCopySwitchFailsAfterTheCommit_SourceStoppedThenTheGuestBootsOnTheTarget()
    {
        var before = await CreateAsync("mig-pc-fail", "hv-2");
        Hypervisor("hv-2").MigrationFaults.HandOverToPostCopy = true;
        Hypervisor("hv-2").MigrationFaults.FailPostCopySwitch = true;

        var done = await FinishedAsync((await Vm("mig-pc-fail").MigrateAsync(new HostId("hv-3"))).OperationId);

        // Committed, so it rolls forward: its memory is lost, not the guest.
        Assert.Equal(OperationState.Succeeded, done.State);
        Assert.Contains("memory was lost", done.Message, StringComparison.Ordinal);
        var after = await Vm("mig-pc-fail").GetAsync();
        Assert.Equal((VmState.Running, "hv-3"), (after.State, after.Host!.Value.Value));
        Assert.True(after.Epoch > before.Epoch + 1, $"booted at a new epoch ({before.Epoch} → {after.Epoch}), not as the migrated copy");
        await AssertRunsOnlyOnAsync("mig-pc-fail", "hv-3", after.Epoch);
        Assert.DoesNotContain((await _cluster.HostAsync("hv-2")).Reservations, r => r.VmId.Value == "mig-pc-fail");
    }

    [Fact]
    public async Task Migrate_NoTargetGiven_SchedulerPicksAnotherHost()
    {
        await CreateAsync("mig-any", "hv-1");

        var done = await FinishedAsync((await Vm("mig-any").MigrateAsync(null)).OperationId);

        Assert.Equal(OperationState.Succeeded, done.State);
        var after = await Vm("mig-any").GetAsync();
        Assert.NotEqual("hv-1", after.Host!.Value.Value);
        await AssertRunsOnlyOnAsync("mig-any", after.Host.Value.Value, after.Epoch);
    }

    [Fact]
    public async Task Migrate_StoppedGuest_MovesColdWithoutStartingIt()
    {
        await CreateAsync("mig-cold", "hv-2");
        await Vm("mig-cold").StopAsync();

        var done = await FinishedAsync((await Vm("mig-cold").MigrateAsync(new HostId("hv-1"))).OperationId);

        Assert.Equal(OperationState.Succeeded, done.State);
        var after = await Vm("mig-cold").GetAsync();
        Assert.Equal(VmState.Stopped, after.State);
        Assert.Equal("hv-1", after.Host!.Value.Value);
        Assert.DoesNotContain(await _cluster.DriverOf(new HostId("hv-1")).ListAsync(CancellationToken.None), g => g.VmId.Value == "mig-cold");
        Assert.DoesNotContain((await _cluster.HostAsync("hv-2")).Reservations, r => r.VmId.Value == "mig-cold");
    }

    [Fact]
    public async Task Migrate_SecondRequestWhileOneRuns_RefusedNamingTheRunningOperation()
    {
        await CreateAsync("mig-busy", "hv-2");
        Hypervisor("hv-2").MigrationFaults.RoundDelay = TimeSpan.FromMilliseconds(400);
        var first = await Vm("mig-busy").MigrateAsync(new HostId("hv-3"));

        var again = await Assert.ThrowsAsync<OperationInProgressException>(() => Vm("mig-busy").MigrateAsync(new HostId("hv-1")));
        var stop = await Assert.ThrowsAsync<OperationInProgressException>(() => Vm("mig-busy").StopAsync());

        Assert.Equal(first.OperationId, again.OperationId);
        Assert.Contains(first.OperationId, again.Message, StringComparison.Ordinal);
        Assert.Equal(first.OperationId, stop.OperationId);
        Assert.Equal(VmState.Migrating, (await Vm("mig-busy").GetAsync()).State);
        Hypervisor("hv-2").MigrationFaults.Reset();
        Assert.Equal(OperationState.Succeeded, (await FinishedAsync(first.OperationId)).State);
    }

    [Fact]
    public async Task Migrate_TargetIsCurrentHostOrUnknown_RefusedAndNothingChanges()
    {
        var before = await CreateAsync("mig-bad", "hv-2");

        await Assert.ThrowsAsync<InvalidStateException>(() => Vm("mig-bad").MigrateAsync(new HostId("hv-2")));
        await Assert.ThrowsAsync<HostNotFoundException>(() => Vm("mig-bad").MigrateAsync(new HostId("hv-404")));

        var after = await Vm("mig-bad").GetAsync();
        Assert.Equal(before.Epoch, after.Epoch);
        Assert.Equal("hv-2", after.Host!.Value.Value);
    }

    [Fact]
    public async Task Cancel_DuringPreCopy_RollsBackToSourceAtOldEpoch()
    {
        var before = await CreateAsync("mig-cancel", "hv-2");
        Hypervisor("hv-2").MigrationFaults.RoundDelay = TimeSpan.FromMilliseconds(500);
        var started = await Vm("mig-cancel").MigrateAsync(new HostId("hv-3"));
        await WaitForAsync(() => Operation(started.OperationId).GetAsync(), o => o.Phase >= MigrationPhase.PreCopy, "pre-copy to start");

        await Operation(started.OperationId).CancelAsync();
        var done = await FinishedAsync(started.OperationId);

        Assert.Equal(OperationState.Cancelled, done.State);
        await AssertRolledBackAsync("mig-cancel", "hv-2", "hv-3", before.Epoch);
    }

    [Fact]
    public async Task Migrate_DestinationCannotPrepare_FailsAndGuestStaysOnSource()
    {
        var before = await CreateAsync("mig-prep", "hv-2");
        Hypervisor("hv-3").MigrationFaults.FailPrepareIncoming = true;

        var done = await FinishedAsync((await Vm("mig-prep").MigrateAsync(new HostId("hv-3"))).OperationId);

        Assert.Equal(OperationState.Failed, done.State);
        Assert.False(string.IsNullOrWhiteSpace(done.Message));
        await AssertRolledBackAsync("mig-prep", "hv-2", "hv-3", before.Epoch);
    }

    [Fact]
    public async Task Migrate_ConnectionCutMidPreCopy_FailsAndGuestRunsOnSource()
    {
        var before = await CreateAsync("mig-cut", "hv-2");
        Hypervisor("hv-2").MigrationFaults.DropConnectionAfterBytes = 64L << 20;

        var done = await FinishedAsync((await Vm("mig-cut").MigrateAsync(new HostId("hv-3"))).OperationId);

        Assert.Equal(OperationState.Failed, done.State);
        await AssertRolledBackAsync("mig-cut", "hv-2", "hv-3", before.Epoch);
    }

    [Fact]
    public async Task Migrate_CorruptPage_DestinationRefusesAndGuestRunsOnSource()
    {
        var before = await CreateAsync("mig-corrupt", "hv-2");
        Hypervisor("hv-2").MigrationFaults.CorruptPage = 7;

        var done = await FinishedAsync((await Vm("mig-corrupt").MigrateAsync(new HostId("hv-3"))).OperationId);

        Assert.Equal(OperationState.Failed, done.State);
        Assert.Contains("7", done.Message, StringComparison.Ordinal);
        await AssertRolledBackAsync("mig-corrupt", "hv-2", "hv-3", before.Epoch);
    }

    [Fact]
    public async Task Migrate_StalePageAtSwitchOver_DestinationRefusesAndGuestRunsOnSource()
    {
        var before = await CreateAsync("mig-stale", "hv-2");
        Hypervisor("hv-2").MigrationFaults.StalePage = 11;

        var done = await FinishedAsync((await Vm("mig-stale").MigrateAsync(new HostId("hv-3"))).OperationId);

        Assert.Equal(OperationState.Failed, done.State);
        await AssertRolledBackAsync("mig-stale", "hv-2", "hv-3", before.Epoch);
    }

    [Fact]
    public async Task Migrate_SwitchOverFailsAfterPause_SourceResumes()
    {
        var before = await CreateAsync("mig-switch", "hv-2");
        Hypervisor("hv-2").MigrationFaults.FailSwitchOver = true;

        var done = await FinishedAsync((await Vm("mig-switch").MigrateAsync(new HostId("hv-3"))).OperationId);

        Assert.Equal(OperationState.Failed, done.State);
        await AssertRolledBackAsync("mig-switch", "hv-2", "hv-3", before.Epoch);
    }

    [Fact]
    public async Task Cancel_SwitchOverHangs_SourceResumes()
    {
        var before = await CreateAsync("mig-hang", "hv-2");
        Hypervisor("hv-2").MigrationFaults.HangSwitchOver = true;
        var started = await Vm("mig-hang").MigrateAsync(new HostId("hv-3"));
        await WaitForAsync(
            () => _cluster.DriverOf(new HostId("hv-2")).ListAsync(CancellationToken.None),
            guests => guests.Any(g => g.VmId.Value == "mig-hang" && !g.Running),
            "the source to pause the guest for the switch-over");

        await Operation(started.OperationId).CancelAsync();
        var done = await FinishedAsync(started.OperationId);

        Assert.Equal(OperationState.Cancelled, done.State);
        await AssertRolledBackAsync("mig-hang", "hv-2", "hv-3", before.Epoch);
    }

    [Fact]
    public async Task EnterMaintenance_DrainsEveryGuestAndPlacementSkipsTheHost_ExitMakesItUsable()
    {
        foreach (var id in new[] { "drain-1", "drain-2", "drain-3" })
        {
            await CreateAsync(id, "hv-1");
        }

        await Vm("drain-3").StopAsync();
        var maintenance = _cluster.Client.GetGrain<IMaintenanceGrain>("hv-1");

        var started = await maintenance.EnterAsync();
        var done = await FinishedAsync(started.OperationId, TimeSpan.FromSeconds(60));

        Assert.Equal(OperationState.Succeeded, done.State);
        Assert.Equal(3, done.Drain!.Total);
        Assert.Equal(3, done.Drain.Moved);
        var host = await _cluster.HostAsync("hv-1");
        Assert.Equal(HostStatus.Maintenance, host.Status);
        Assert.Empty(host.Reservations);
        foreach (var id in new[] { "drain-1", "drain-2" })
        {
            var vm = await Vm(id).GetAsync();
            Assert.Equal(VmState.Running, vm.State);
            await AssertRunsOnlyOnAsync(id, vm.Host!.Value.Value, vm.Epoch);
        }

        Assert.Equal(VmState.Stopped, (await Vm("drain-3").GetAsync()).State);
        await Assert.ThrowsAsync<InsufficientCapacityException>(() => Vm("drain-new").CreateAsync(new CreateVmCommand(Specs.Small(target: "hv-1"))));

        await maintenance.ExitAsync();
        await WaitForAsync(() => _cluster.HostAsync("hv-1"), h => h.Status == HostStatus.Up, "hv-1 to leave maintenance");
        await CreateAsync("drain-new", "hv-1");
        Assert.Equal("hv-1", (await Vm("drain-new").GetAsync()).Host!.Value.Value);
    }

    private IVmGrain Vm(string id) => _cluster.Client.GetGrain<IVmGrain>(id);

    private IOperationGrain Operation(string id) => _cluster.Client.GetGrain<IOperationGrain>(id);

    private SimulatedHypervisor Hypervisor(string host) => _cluster.Hypervisors[new HostId(host)];

    private static async Task<T> WithPlacementHintAsync<T>(SiloAddress silo, Func<Task<T>> call)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private SiloAddress SiloOf(string host) =>
        _cluster.Cluster.Silos.Single(s => s.ServiceProvider.GetRequiredService<Hypervisor.LocalHypervisors>().TryGet(new HostId(host), out _)).SiloAddress;

    /// <summary>Waits until the guest's grain has one activation, on <paramref name="silo"/>; each read calls the grain, which re-activates it after a move.</summary>
    private Task WaitForActivationOnAsync(string vmId, SiloAddress silo, string what)
    {
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        return WaitForAsync(
            async () =>
            {
                await Vm(vmId).GetAsync();
                var activations = await management.GetDetailedGrainStatistics();
                return activations.Where(a => a.GrainId.ToString() == $"vm/{vmId}").Select(a => a.SiloAddress).ToList();
            },
            silos => silos.Count == 1 && silos[0].Equals(silo),
            what);
    }

    private Task<VmSnapshot> CreateAsync(string id, string host)
    {
        _created.Add(id);
        return Vm(id).CreateAsync(new CreateVmCommand(Specs.Small(target: host)));
    }

    private Task<OperationSnapshot> FinishedAsync(string operationId, TimeSpan? timeout = null) =>
        WaitForAsync(() => Operation(operationId).GetAsync(), o => o.IsFinished, $"operation {operationId} to finish", timeout);

    private async Task AssertRunsOnlyOnAsync(string vmId, string host, long epoch)
    {
        foreach (var registration in SimulatedClusterFixture.Hosts)
        {
            var guests = await _cluster.DriverOf(registration.HostId).ListAsync(CancellationToken.None);
            var copy = guests.SingleOrDefault(g => g.VmId.Value == vmId && g.Running);
            if (registration.HostId.Value == host)
            {
                Assert.True(copy is not null && copy.Epoch == epoch, $"{vmId} runs on {host} at epoch {epoch} (found {copy})");
            }
            else
            {
                Assert.True(copy is null, $"{vmId} must not run on {registration.HostId} (found {copy})");
            }
        }
    }

    private async Task AssertRolledBackAsync(string vmId, string source, string target, long epoch)
    {
        var vm = await Vm(vmId).GetAsync();
        Assert.Equal(VmState.Running, vm.State);
        Assert.Equal(source, vm.Host!.Value.Value);
        Assert.Equal(epoch, vm.Epoch);
        await AssertRunsOnlyOnAsync(vmId, source, epoch);
        Assert.DoesNotContain((await _cluster.HostAsync(target)).Reservations, r => r.VmId.Value == vmId);
        Assert.Contains((await _cluster.HostAsync(source)).Reservations, r => r.VmId.Value == vmId);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        T value = default!;
        try
        {
            await Eventually.Async(async () => done(value = await read()), timeout ?? TimeSpan.FromSeconds(30), what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last: {value}; error: {e.InnerException}", e);
        }

        return value;
    }
}
