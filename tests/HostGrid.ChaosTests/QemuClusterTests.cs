using System.Diagnostics;
using Grpc.Core;
using Xunit.Abstractions;

namespace HostGrid.ChaosTests;

/// <summary>
/// HostGrid on real guests: three agents on the QEMU driver. Lifecycle, a live migration checked down to the guest's RAM and
/// tick counter, an agent killed and one frozen (its QEMU processes outlive it, so only the lease watchdog stops them), and
/// an agent restarted that adopts its guests.
/// </summary>
[Trait("Category", "Qemu")]
public sealed class QemuClusterTests : IClassFixture<QemuClusterFixture>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private readonly QemuClusterFixture _fixture;
    private readonly ITestOutputHelper _output;

    public QemuClusterTests(QemuClusterFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private LocalCluster Cluster => _fixture.Cluster;

    [Fact]
    public async Task Lifecycle_CreateStopStartDelete_QemuProcessFollowsTheGuest()
    {
        if (!QemuClusterFixture.CanRun())
        {
            return;
        }

        var vm = await CreateAsync("life-1");
        var host = vm.HostId;
        Assert.NotNull(_fixture.QemuPid(host, "life-1"));
        var disks = Path.Combine(_fixture.Root, "disks");
        var disk = Assert.Single(Directory.GetFiles(disks, "life-1-*.qcow2"));

        await Cluster.Vms.StopVmAsync(new StopVmRequest { Name = "vms/life-1" });
        await WaitAsync(() => _fixture.QemuPid(host, "life-1") is null, "the QEMU process to end after stop");
        Assert.Equal(VmState.Stopped, (await GetAsync("life-1")).State);

        await Cluster.Vms.StartVmAsync(new StartVmRequest { Name = "vms/life-1" });
        var running = await WaitRunningAsync("life-1");
        Assert.NotNull(_fixture.QemuPid(running.HostId, "life-1"));

        await Cluster.Vms.DeleteVmAsync(new DeleteVmRequest { Name = "vms/life-1" });
        await WaitAsync(() => _fixture.QemuPid(running.HostId, "life-1") is null, "the QEMU process to end after delete");
        var error = await Assert.ThrowsAsync<RpcException>(() => GetAsync("life-1"));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.False(File.Exists(disk), "the deleted guest's disk is gone from shared storage");

        // Created again under the same name: a new, empty disk, never the deleted guest's.
        await CreateAsync("life-1");
        var again = Assert.Single(Directory.GetFiles(disks, "life-1-*.qcow2"));
        Assert.NotEqual(disk, again);
        await Cluster.Vms.DeleteVmAsync(new DeleteVmRequest { Name = "vms/life-1" });
        Assert.Empty(Directory.GetFiles(disks, "life-1-*.qcow2"));
    }

    [Fact]
    public async Task Migrate_DirtyingGuest_OperationCompletesAndRamAndCounterContinue()
    {
        if (!QemuClusterFixture.CanRun())
        {
            return;
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // A gentle dirty rate: RAM is checked after the resume here, where TCG loses a rewrite in ~3% of busy migrations (bench/README.md).
        var vm = await CreateAsync("mig-1", workingSetMib: 64, dirtyMibPerSecond: 5);
        ulong ticksBefore;
        await using (var probe = await _fixture.ProbeAsync(vm.HostId, "mig-1", bound.Token))
        {
            ticksBefore = (await probe.WaitReadyAsync(TimeSpan.FromSeconds(30), bound.Token)).Ticks;
        }

        var target = QemuClusterFixture.Specs.Select(s => s.HostId).First(h => h != vm.HostId);
        var done = await MigrateAsync("mig-1", target);

        Assert.True(done.State == OperationState.Succeeded, $"migration {done.State}: {done.Message}");
        _output.WriteLine($"migrated in {(done.CompleteTime.ToDateTimeOffset() - done.CreateTime.ToDateTimeOffset()).TotalSeconds:F1} s: {done.Message}; downtime {done.Downtime?.ToTimeSpan().TotalMilliseconds:F1} ms (QEMU {done.HypervisorDowntime?.ToTimeSpan().TotalMilliseconds:F1} ms), {done.Round} rounds, {done.BytesSent >> 20} MiB");
        Assert.NotNull(done.Downtime);
        Assert.NotNull(done.HypervisorDowntime); // QEMU's own figure, beside HostGrid's
        Assert.True(done.HypervisorDowntime.ToTimeSpan() <= done.Downtime.ToTimeSpan(), "QEMU's pause is part of HostGrid's");
        Assert.True(done.BytesSent > 0);
        Assert.Equal(target, (await GetAsync("mig-1")).HostId);
        Assert.Null(_fixture.QemuPid(vm.HostId, "mig-1"));
        await using (var probe = await _fixture.ProbeAsync(target, "mig-1", bound.Token))
        {
            var (status, check) = await probe.CheckMemoryAsync(bound.Token);
            Assert.True(check.Ok, $"RAM on {target}: {check}");
            Assert.True(status.Ticks > ticksBefore, $"ticks {ticksBefore} → {status.Ticks}: the guest continued rather than booting again");
            Assert.Equal(0u, status.Errors);
        }

        await DeleteAsync("mig-1");
    }

    [Fact]
    public async Task Migrate_GuestOutpacesTheBandwidth_FinishesInPostCopy_RamAndCounterContinue()
    {
        if (!QemuClusterFixture.CanRun())
        {
            return;
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var vm = await CreateAsync("pc-1", workingSetMib: 64, dirtyMibPerSecond: 128); // twice the migration bandwidth
        ulong ticksBefore;
        await using (var probe = await _fixture.ProbeAsync(vm.HostId, "pc-1", bound.Token))
        {
            ticksBefore = (await probe.WaitReadyAsync(TimeSpan.FromSeconds(30), bound.Token)).Ticks;
        }

        var target = QemuClusterFixture.Specs.Select(s => s.HostId).First(h => h != vm.HostId);
        var done = await MigrateAsync("pc-1", target);

        Assert.True(done.State == OperationState.Succeeded, $"migration {done.State}: {done.Message}");
        _output.WriteLine($"{done.Message}; downtime {done.Downtime?.ToTimeSpan().TotalMilliseconds:F1} ms, {done.Round} rounds, {done.BytesSent >> 20} MiB");
        Assert.True(done.PostCopy, $"finished in post-copy: {done.Message}");
        Assert.NotNull(done.Downtime);
        Assert.Equal(target, (await GetAsync("pc-1")).HostId);
        Assert.Null(_fixture.QemuPid(vm.HostId, "pc-1"));
        await using (var probe = await _fixture.ProbeAsync(target, "pc-1", bound.Token))
        {
            var (status, check) = await probe.CheckMemoryAsync(bound.Token);
            Assert.True(check.Ok, $"RAM on {target} after the post-copy: {check}");
            Assert.True(status.Ticks > ticksBefore, $"ticks {ticksBefore} → {status.Ticks}: the guest continued rather than booting again");
            // One lost rewrite after the resume is TCG's known anomaly (see the driver's post-copy test); more is a broken post-copy.
            Assert.True(status.Errors <= 1, $"the guest counted {status.Errors} bad pages");
        }

        await DeleteAsync("pc-1");
    }

    [Fact]
    public async Task Migrate_DestinationAgentKilledMidPreCopy_SourceRunsOn_DestinationCopyFenced()
    {
        if (!QemuClusterFixture.CanRun())
        {
            return;
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var vm = await CreateAsync("mig-kill", workingSetMib: 200, dirtyMibPerSecond: 5);
        await using (var probe = await _fixture.ProbeAsync(vm.HostId, "mig-kill", bound.Token))
        {
            await probe.WaitReadyAsync(TimeSpan.FromSeconds(30), bound.Token);
        }

        var target = QemuClusterFixture.Specs.Select(s => s.HostId).First(h => h != vm.HostId);
        var operations = new OperationService.OperationServiceClient(Cluster.Channel);
        var operation = await Cluster.Vms.MigrateVmAsync(new MigrateVmRequest { Name = "vms/mig-kill", TargetHostId = target });
        // 200 MiB at 64 MiB/s: seconds of pre-copy to act in.
        await Eventually.Async(
            async () => await operations.GetOperationAsync(new GetOperationRequest { Name = operation.Name }),
            op => op.BytesSent > 16 << 20 || op.State != OperationState.Running,
            TimeSpan.FromSeconds(30),
            "pre-copy under way");
        Cluster.KillAgent(target);

        var done = await Eventually.Async(
            async () => await operations.GetOperationAsync(new GetOperationRequest { Name = operation.Name }),
            op => op.State != OperationState.Running,
            TimeSpan.FromSeconds(60),
            "the migration to end");
        Assert.True(done.State == OperationState.Failed, $"migration {done.State}: {done.Message}");
        var after = await GetAsync("mig-kill");
        Assert.Equal((VmState.Running, vm.HostId, vm.Epoch), (after.State, after.HostId, after.Epoch));
        await using (var probe = await _fixture.ProbeAsync(vm.HostId, "mig-kill", bound.Token))
        {
            var before = (await probe.ReadStatusAsync(bound.Token)).Ticks;
            await Task.Delay(200, bound.Token);
            Assert.True((await probe.ReadStatusAsync(bound.Token)).Ticks > before, "the source copy runs on");
        }

        // The destination's QEMU outlived its agent, paused (-S): its lease lapses and the watchdog kills it.
        await WaitAsync(() => _fixture.QemuPid(target, "mig-kill") is null, "the dead destination's copy to be killed");
        Assert.Equal(vm.HostId, (await GetAsync("mig-kill")).HostId);
        await RestoreAsync(target);
        await DeleteAsync("mig-kill");
    }

    [Fact]
    public async Task KillAgent_GuestsRestartElsewhere_NoQemuOfTheDeadHostRunsBesideThem()
    {
        if (!QemuClusterFixture.CanRun())
        {
            return;
        }

        var victim = await HostWithGuestsAsync("kill", 2);
        var guests = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { HostId = victim })).Vms.Select(v => v.VmId).ToList();
        Assert.NotEmpty(_fixture.QemuProcessesOf(victim));

        var killedAt = Cluster.KillAgent(victim);
        var overlap = await WatchForDoubleRunsAsync(victim, guests, killedAt);

        Assert.True(overlap is null, overlap);
        Assert.Empty(_fixture.QemuProcessesOf(victim));
        await RestoreAsync(victim);
        await DeleteAllAsync(guests);
    }

    [Fact]
    public async Task FreezeAgent_SigStop_WatchdogKillsItsGuests_TheyRestartElsewhere()
    {
        if (!QemuClusterFixture.CanRun())
        {
            return;
        }

        var victim = await HostWithGuestsAsync("freeze", 2);
        var guests = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { HostId = victim })).Vms.Select(v => v.VmId).ToList();
        var agent = Cluster.Agent(victim);
        agent.Signal("STOP");
        var frozenAt = DateTimeOffset.UtcNow;
        try
        {
            var overlap = await WatchForDoubleRunsAsync(victim, guests, frozenAt);
            Assert.True(overlap is null, overlap);
            Assert.Empty(_fixture.QemuProcessesOf(victim));
        }
        finally
        {
            agent.Signal("CONT");
        }

        // Continued, the agent learns it was declared dead and must not bring the old copies back.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(_fixture.QemuProcessesOf(victim));
        if (agent.HasExited)
        {
            Cluster.RestartAgent(victim);
        }

        await Cluster.WaitForHostsUpAsync(QemuClusterFixture.Specs.Length, Settle);
        await DeleteAllAsync(guests);
    }

    [Fact]
    public async Task RestartAgent_WithinIsolationTimeout_AdoptsItsRunningGuests()
    {
        if (!QemuClusterFixture.CanRun())
        {
            return;
        }

        var vm = await CreateAsync("adopt-1");
        var host = vm.HostId;
        var pid = _fixture.QemuPid(host, "adopt-1");
        Assert.NotNull(pid);

        Cluster.KillAgent(host);
        Cluster.RestartAgent(host);
        await Cluster.WaitForHostsUpAsync(QemuClusterFixture.Specs.Length, Settle);
        await Task.Delay(TimeSpan.FromSeconds(QemuClusterFixture.IsolationTimeoutSeconds + 2)); // past any fence of the old agent's lease

        var after = await GetAsync("adopt-1");
        Assert.Equal((VmState.Running, host, vm.Epoch), (after.State, after.HostId, after.Epoch));
        Assert.Equal(pid, _fixture.QemuPid(host, "adopt-1"));
        await DeleteAsync("adopt-1");
    }

    /// <summary>
    /// Samples every 50 ms, until each guest runs on another host, that no guest has a QEMU process on the victim and another
    /// host at the same time; returns the first overlap seen, or null.
    /// </summary>
    private async Task<string?> WatchForDoubleRunsAsync(string victim, IReadOnlyList<string> guests, DateTimeOffset since)
    {
        var others = QemuClusterFixture.Specs.Select(s => s.HostId).Where(h => h != victim).ToList();
        var watch = Stopwatch.StartNew();
        DateTimeOffset? victimClearAt = null;
        while (watch.Elapsed < Settle)
        {
            var elsewhere = guests.ToDictionary(g => g, g => others.FirstOrDefault(h => _fixture.QemuPid(h, g) is not null));
            var onVictim = guests.Where(g => _fixture.QemuPid(victim, g) is not null).ToList();
            if (onVictim.Count == 0)
            {
                victimClearAt ??= DateTimeOffset.UtcNow;
            }

            if (onVictim.FirstOrDefault(g => elsewhere[g] is not null) is { } twice)
            {
                return $"{twice} ran on {victim} and {elsewhere[twice]} at once, {(DateTimeOffset.UtcNow - since).TotalSeconds:F1} s after the fault";
            }

            if (elsewhere.Values.All(h => h is not null))
            {
                var vms = (await Cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = 1000 })).Vms.Where(v => guests.Contains(v.VmId)).ToList();
                if (vms.All(v => v.State == VmState.Running && v.HostId != victim))
                {
                    _output.WriteLine($"{victim}: its QEMUs gone {(victimClearAt - since)?.TotalSeconds:F1} s after the fault; guests running elsewhere after {(DateTimeOffset.UtcNow - since).TotalSeconds:F1} s");
                    return null;
                }
            }

            await Task.Delay(50);
        }

        return $"the guests of {victim} did not all run elsewhere within {Settle.TotalSeconds} s";
    }

    /// <summary>Migrates through the API and waits (bounded) for the operation to end.</summary>
    private async Task<Operation> MigrateAsync(string vmId, string target)
    {
        var operation = await Cluster.Vms.MigrateVmAsync(new MigrateVmRequest { Name = $"vms/{vmId}", TargetHostId = target });
        return await Eventually.Async(
            async () => await new OperationService.OperationServiceClient(Cluster.Channel).GetOperationAsync(new GetOperationRequest { Name = operation.Name }),
            op => op.State is OperationState.Succeeded or OperationState.Failed,
            TimeSpan.FromSeconds(90),
            "the migration to end");
    }

    private async Task<Vm> CreateAsync(string vmId, int workingSetMib = 16, int dirtyMibPerSecond = 0, string? host = null)
    {
        var request = new CreateVmRequest
        {
            VmId = vmId,
            Resources = new Resources { Vcpus = 1, MemoryMib = 256, DiskGib = 1 },
            Labels =
            {
                ["qemu.hostgrid.io/wss-mib"] = workingSetMib.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["qemu.hostgrid.io/dirty-mib-s"] = dirtyMibPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        if (host is not null)
        {
            request.TargetHostId = host;
        }

        await Cluster.Vms.CreateVmAsync(request);
        return await WaitRunningAsync(vmId);
    }

    private Task<Vm> WaitRunningAsync(string vmId) =>
        Eventually.Async(() => GetAsync(vmId), v => v.State == VmState.Running, Settle, $"{vmId} running");

    private async Task<Vm> GetAsync(string vmId) => await Cluster.Vms.GetVmAsync(new GetVmRequest { Name = $"vms/{vmId}" });

    /// <summary>Creates <paramref name="count"/> guests on one host (the first guest's) and returns that host.</summary>
    private async Task<string> HostWithGuestsAsync(string prefix, int count)
    {
        var first = await CreateAsync($"{prefix}-0");
        for (var i = 1; i < count; i++)
        {
            await CreateAsync($"{prefix}-{i}", host: first.HostId);
        }

        return first.HostId;
    }

    private async Task RestoreAsync(string hostId)
    {
        Cluster.RestartAgent(hostId);
        await Cluster.WaitForHostsUpAsync(QemuClusterFixture.Specs.Length, Settle);
    }

    private async Task DeleteAsync(string vmId) => await Cluster.Vms.DeleteVmAsync(new DeleteVmRequest { Name = $"vms/{vmId}" });

    private async Task DeleteAllAsync(IEnumerable<string> vmIds)
    {
        foreach (var vmId in vmIds)
        {
            await DeleteAsync(vmId);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        await Eventually.Async(() => Task.FromResult(condition()), done => done, Settle, what);
    }
}
