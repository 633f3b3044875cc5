using System.Globalization;
using System.Text.RegularExpressions;
using HostGrid.Contracts;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Qemu.TestGuest;
using HostGrid.Hypervisor.Qemu.Tests.TestGuest;
using HostGrid.Testing;
using Xunit;

namespace HostGrid.Hypervisor.Qemu.Tests.Driver;

/// <summary>Live migration between two QEMU drivers on loopback, in the order the VM grain drives it.</summary>
[Trait("Category", "Qemu")]
public sealed class QemuMigrationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Migrate_DirtyingGuest_RamAndCounterContinueOnTheDestination()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var source = hosts.Driver("hv-1");
        var target = hosts.Driver("hv-2");
        var vm = new VmId("web-1");
        var spec = QemuHosts.Spec(memoryMib: 128, workingSetMib: 32, dirtyMibPerSecond: 20);
        using var bound = new CancellationTokenSource(Bound);
        var ticksBefore = (await hosts.StartReadyAsync(source, vm, spec, bound.Token)).Ticks;
        await Task.Delay(300, bound.Token); // let it dirty pages for a while

        var ticket = new MigrationTicket("op-1", vm, SourceEpoch: 1, TargetEpoch: 2);
        var endpoint = await target.PrepareIncomingAsync(ticket, spec, bound.Token);
        var progress = new List<MigrationProgress>();
        var result = await source.MigrateOutAsync(ticket, endpoint, new Progress<MigrationProgress>(p => { lock (progress) { progress.Add(p); } }), bound.Token);
        await target.ConfirmIncomingAsync(ticket, bound.Token);
        Assert.Empty(await target.ListAsync(bound.Token)); // not running before the commit
        await AssertArrivedIntactAsync(hosts, target, vm, ticksBefore, bound.Token);
        await target.ActivateIncomingAsync(ticket, bound.Token);
        await source.StopAsync(vm, bound.Token);

        Assert.True(result.Rounds >= 1 && result.BytesSent > 0, $"rounds {result.Rounds}, bytes {result.BytesSent}");
        Assert.NotNull(result.HypervisorDowntime);
        Assert.True(result.SwitchOverDuration < TimeSpan.FromSeconds(5), $"switch-over {result.SwitchOverDuration.TotalMilliseconds} ms");
        Assert.Equal((vm, 2L, true), Assert.Single(await target.ListAsync(bound.Token)) is var g ? (g.VmId, g.Epoch, g.Running) : default);
        Assert.Empty(await source.ListAsync(bound.Token));
        Assert.Null(hosts.Pid(source, vm));
        await using (var probe = await hosts.ProbeAsync(target, vm, bound.Token))
        {
            var later = await probe.ReadStatusAsync(bound.Token);
            await Task.Delay(100, bound.Token);
            Assert.True((await probe.ReadStatusAsync(bound.Token)).Ticks > later.Ticks, "the guest runs on the destination");
        }
    }

    [Fact]
    public async Task Migrate_DirtyRateAboveBandwidth_AutoConvergeThrottlesUntilItSwitchesOver()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var options = hosts.Options;
        options.MigrationBandwidthMibPerSecond = 8; // the guest dirties faster than this: pre-copy alone never converges
        var migration = new MigrationOptions { AutoConverge = true, ThrottleInitialPercent = 40, ThrottleIncrementPercent = 20, Timeout = TimeSpan.FromSeconds(80) };
        var source = hosts.Driver("hv-1", options: options, migration: migration);
        var target = hosts.Driver("hv-2");
        var vm = new VmId("busy-1");
        var spec = QemuHosts.Spec(memoryMib: 128, workingSetMib: 16, dirtyMibPerSecond: 40);
        using var bound = new CancellationTokenSource(Bound);
        await hosts.StartReadyAsync(source, vm, spec, bound.Token);

        var ticket = new MigrationTicket("op-1", vm, 1, 2);
        var endpoint = await target.PrepareIncomingAsync(ticket, spec, bound.Token);
        var throttles = new List<int>();
        var result = await source.MigrateOutAsync(ticket, endpoint, new Progress<MigrationProgress>(p => { lock (throttles) { throttles.Add(p.ThrottlePercent); } }), bound.Token);
        await target.ConfirmIncomingAsync(ticket, bound.Token);
        await AssertArrivedIntactAsync(hosts, target, vm, 0, bound.Token);
        await target.ActivateIncomingAsync(ticket, bound.Token);
        await source.StopAsync(vm, bound.Token);

        lock (throttles)
        {
            Assert.True(throttles.Max() > 0 || result.ThrottlePercent > 0, $"QEMU throttled the guest (rounds {result.Rounds}, throttle seen {string.Join(",", throttles.Distinct())})");
        }

    }

    [Fact]
    public async Task Migrate_NotConverging_PostCopyAfterTheCommit_RamAndCounterContinueOnTheDestination()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        using var bound = new CancellationTokenSource(Bound);
        var (source, target, vm, ticket, ticksBefore) = await HandOverToPostCopyAsync(hosts, bound.Token);
        Assert.True(Assert.Single(await source.ListAsync(bound.Token)).Running, "the guest runs on the source until the switch");

        // The VM grain commits here; only then does the source pause and switch.
        var switched = await source.StartPostCopyAsync(ticket, bound.Token);
        await target.ConfirmIncomingAsync(ticket, bound.Token);
        Assert.Empty(await target.ListAsync(bound.Token)); // not running before it is activated
        await target.ActivateIncomingAsync(ticket, bound.Token);
        await source.StopAsync(vm, bound.Token); // waits until the destination pulled every page

        Assert.True(switched.PostCopy && switched.PausedAt > DateTimeOffset.UnixEpoch, $"paused at {switched.PausedAt:O}");
        Assert.True(switched.SwitchOverDuration < TimeSpan.FromSeconds(5), $"switch-over {switched.SwitchOverDuration.TotalMilliseconds} ms");
        Assert.Equal((vm, 2L, true), Assert.Single(await target.ListAsync(bound.Token)) is var g ? (g.VmId, g.Epoch, g.Running) : default);
        Assert.Null(hosts.Pid(source, vm));
        await using var probe = await hosts.ProbeAsync(target, vm, bound.Token);
        var (status, check) = await probe.CheckMemoryAsync(bound.Token);
        // Under TCG a guest resumed after a migration sometimes loses its first rewrite of one page (bench/README.md).
        // Post-copy resumes it with pages still missing, and it shows in about 1 run in 12: in the guest's own count, or
        // here if this check reads before the guest rewrites that page. Only that shape is tolerated: one page, exactly
        // one generation behind. Pages lost by the post-copy itself would be more, or older, or zero.
        Assert.True(check.Ok || IsLostFirstRewrite(check), $"RAM on the destination after the post-copy: {check}");
        Assert.True(status.Ticks > ticksBefore, $"ticks went from {ticksBefore} to {status.Ticks}: the guest continued");
        Assert.True(status.Errors <= 1, $"the guest counted {status.Errors} bad pages");
    }

    [Fact]
    public async Task Migrate_HandedOverToPostCopy_NotCommitted_SourceResumesAndDestinationIsDropped()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        using var bound = new CancellationTokenSource(Bound);
        var (source, target, vm, ticket, _) = await HandOverToPostCopyAsync(hosts, bound.Token);

        // The commit failed: the VM grain rolls back.
        await target.AbortIncomingAsync(ticket, bound.Token);
        await source.ResumeAsync(ticket, bound.Token);

        Assert.Null(hosts.Pid(target, vm));
        Assert.True(Assert.Single(await source.ListAsync(bound.Token)).Running);
        await using var probe = await hosts.ProbeAsync(source, vm, bound.Token);
        var before = await probe.ReadStatusAsync(bound.Token);
        await Task.Delay(200, bound.Token);
        Assert.True((await probe.ReadStatusAsync(bound.Token)).Ticks > before.Ticks, "the guest runs on the source");
        await Assert.ThrowsAsync<MigrationFailedException>(() => source.StartPostCopyAsync(ticket, bound.Token));
    }

    [Fact]
    public async Task Migrate_SourceDiesDuringPostCopy_DestinationCopyIsStopped()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        using var bound = new CancellationTokenSource(Bound);
        var (source, target, vm, ticket, _) = await HandOverToPostCopyAsync(hosts, bound.Token);
        await source.StartPostCopyAsync(ticket, bound.Token);
        await target.ConfirmIncomingAsync(ticket, bound.Token);

        ProcessesByCommandLine.Kill(hosts.Pid(source, vm)!.Value); // the pages the destination lacks die with it
        // QEMU's destination either stops in postcopy-paused or exits with its source: activation runs it or says it is gone.
        var activation = await Record.ExceptionAsync(() => target.ActivateIncomingAsync(ticket, bound.Token));
        Assert.True(activation is null or MigrationFailedException, $"activation failed otherwise: {activation}");

        // A copy missing pages would hang on the next one: the driver stops it, and the VM grain restarts the guest from disk.
        for (var i = 0; i < 100 && (await target.ListAsync(bound.Token)).Count > 0; i++)
        {
            await Task.Delay(100, bound.Token);
        }

        Assert.Empty(await target.ListAsync(bound.Token));
        Assert.Null(hosts.Pid(target, vm));
    }

    /// <summary>
    /// Starts a guest that outpaces the bandwidth on hv-1 and migrates it to hv-2 until <c>MigrateOut</c> hands it over to
    /// post-copy (the guest still runs on hv-1). Both drivers allow post-copy after 2 rounds (the first full pass), without
    /// auto-converge, at 16 MiB/s for pre-copy and post-copy alike: the guest rewrites its 48 MiB working set at 32 MiB/s,
    /// so the post-copy of it takes about 3 s.
    /// </summary>
    private static async Task<(QemuHypervisor Source, QemuHypervisor Target, VmId Vm, MigrationTicket Ticket, ulong TicksBefore)> HandOverToPostCopyAsync(
        QemuHosts hosts, CancellationToken cancellationToken)
    {
        var options = hosts.Options;
        options.MigrationBandwidthMibPerSecond = 16;
        options.PostCopyAfterRounds = 2;
        var migration = new MigrationOptions { AutoConverge = false, Timeout = TimeSpan.FromSeconds(60) };
        var source = hosts.Driver("hv-1", options: options, migration: migration);
        var target = hosts.Driver("hv-2", options: options, migration: migration);
        var vm = new VmId("busy-1");
        var spec = QemuHosts.Spec(memoryMib: 128, workingSetMib: 48, dirtyMibPerSecond: 32);
        var ticksBefore = (await hosts.StartReadyAsync(source, vm, spec, cancellationToken)).Ticks;
        var ticket = new MigrationTicket("op-1", vm, 1, 2);
        var endpoint = await target.PrepareIncomingAsync(ticket, spec, cancellationToken);
        var handedOver = await source.MigrateOutAsync(ticket, endpoint, null, cancellationToken);
        Assert.True(handedOver.PostCopy, $"pre-copy did not converge, so it is handed over to post-copy (rounds {handedOver.Rounds})");
        return (source, target, vm, ticket, ticksBefore);
    }

    private static bool IsLostFirstRewrite(TestGuestMemoryCheckResult check) =>
        check.BadPages == 1
        && Regex.Match(check.Reason ?? "", @"holds generation (\d+), the generation table says (\d+)$") is { Success: true } match
        && long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1 == long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);

    /// <summary>
    /// The destination's copy, paused before it runs, holds every page as the guest's generation table says, and the tick
    /// counter carried on. Checked before the resume: under TCG about 3% of dirtying migrations lose the guest's first
    /// rewrite of one page after it resumes, although the paused copy is byte-identical to the source (bench/README.md).
    /// </summary>
    private static async Task AssertArrivedIntactAsync(QemuHosts hosts, QemuHypervisor target, VmId vm, ulong ticksBefore, CancellationToken cancellationToken)
    {
        await using var probe = await hosts.ProbeAsync(target, vm, cancellationToken);
        var (status, check) = await probe.CheckMemoryAsync(cancellationToken);
        Assert.True(check.Ok, $"RAM on the destination: {check}");
        Assert.True(status.Ticks > ticksBefore, $"ticks went from {ticksBefore} to {status.Ticks}: the guest continued, it did not boot again");
        Assert.Equal(0u, status.Errors);
    }

    [Fact]
    public async Task Migrate_DestinationKilledDuringPreCopy_SourceKeepsRunning()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var options = hosts.Options;
        options.MigrationBandwidthMibPerSecond = 16; // slow enough to kill the destination mid-way
        var source = hosts.Driver("hv-1", options: options);
        var target = hosts.Driver("hv-2");
        var vm = new VmId("web-1");
        var spec = QemuHosts.Spec(memoryMib: 256, workingSetMib: 128, dirtyMibPerSecond: 5);
        using var bound = new CancellationTokenSource(Bound);
        await hosts.StartReadyAsync(source, vm, spec, bound.Token);

        var ticket = new MigrationTicket("op-1", vm, 1, 2);
        var endpoint = await target.PrepareIncomingAsync(ticket, spec, bound.Token);
        var migrating = source.MigrateOutAsync(ticket, endpoint, new Progress<MigrationProgress>(p =>
        {
            if (p.BytesSent > 8 << 20 && hosts.Pid(target, vm) is { } pid)
            {
                ProcessesByCommandLine.Kill(pid);
            }
        }), bound.Token);

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => migrating);
        await target.AbortIncomingAsync(ticket, bound.Token);

        Assert.Contains("web-1", error.Message, StringComparison.Ordinal);
        var guest = Assert.Single(await source.ListAsync(bound.Token));
        Assert.True(guest.Running, "the source copy runs on");
        Assert.Null(hosts.Pid(target, vm));
        await using (var probe = await hosts.ProbeAsync(source, vm, bound.Token))
        {
            var before = (await probe.ReadStatusAsync(bound.Token)).Ticks;
            await Task.Delay(100, bound.Token);
            Assert.True((await probe.ReadStatusAsync(bound.Token)).Ticks > before);
        }
    }

    [Fact]
    public async Task Migrate_Cancelled_SourceRunsOn_DestinationDropped_ThenResumeAfterCompletedMoveRunsSourceAgain()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var options = hosts.Options;
        options.MigrationBandwidthMibPerSecond = 16;
        var source = hosts.Driver("hv-1", options: options);
        var target = hosts.Driver("hv-2");
        var vm = new VmId("web-1");
        var spec = QemuHosts.Spec(memoryMib: 256, workingSetMib: 128);
        using var bound = new CancellationTokenSource(Bound);
        await hosts.StartReadyAsync(source, vm, spec, bound.Token);

        var ticket = new MigrationTicket("op-1", vm, 1, 2);
        var endpoint = await target.PrepareIncomingAsync(ticket, spec, bound.Token);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(bound.Token);
        var migrating = source.MigrateOutAsync(ticket, endpoint, new Progress<MigrationProgress>(p =>
        {
            if (p.BytesSent > 4 << 20)
            {
                cancel.Cancel();
            }
        }), cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => migrating);
        await target.AbortIncomingAsync(ticket, bound.Token);
        Assert.True(Assert.Single(await source.ListAsync(bound.Token)).Running);
        Assert.Null(hosts.Pid(target, vm));

        // A move that completed in QEMU but did not commit: the source, paused, runs again on Resume.
        var second = new MigrationTicket("op-2", vm, 1, 3);
        var endpoint2 = await target.PrepareIncomingAsync(second, spec, bound.Token);
        await source.MigrateOutAsync(second, endpoint2, null, CancellationToken.None).WaitAsync(bound.Token);
        Assert.False(Assert.Single(await source.ListAsync(bound.Token)).Running);
        await target.AbortIncomingAsync(second, bound.Token);
        await source.ResumeAsync(second, bound.Token);
        Assert.True(Assert.Single(await source.ListAsync(bound.Token)).Running);
    }
}
