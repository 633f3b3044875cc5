using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Migration;

namespace HostGrid.Hypervisor.Tests.Migration;

public sealed class LiveMigrationTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly MigrationTicket Ticket = MigrationPair.Ticket();

    [Fact]
    public async Task MigrateOut_IdleGuest256Mib_DestinationHoldsEveryPageAtSourceVersions()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(256);

        var result = await pair.Source.MigrateOutAsync(Ticket, endpoint, null, None);
        await pair.Destination.ActivateIncomingAsync(Ticket, None);

        Assert.Equal(256 * 256, result.PagesSent);
        Assert.True(result.BytesSent > 256L * 1024 * 1024, $"{result.BytesSent} bytes sent");
        Assert.Equal(1, result.Rounds);
        Assert.Equal(pair.Source.PageVersions(MigrationPair.Vm), pair.Destination.PageVersions(MigrationPair.Vm));
    }

    [Fact]
    public async Task MigrateOut_DirtyingGuest256Mib_DestinationVersionsEqualSourceAtPause()
    {
        using var pair = new MigrationPair(dirtyMibPerSecond: 200);
        var endpoint = await pair.StartAndPrepareAsync(256);
        var reports = new List<MigrationProgress>();

        var result = await pair.Source.MigrateOutAsync(Ticket, endpoint, new SyncProgress(reports), None);
        await pair.Destination.ActivateIncomingAsync(Ticket, None);

        var source = pair.Source.PageVersions(MigrationPair.Vm)!;
        Assert.Contains(source, v => v > 0); // the guest did write while it was copied
        Assert.Equal(source, pair.Destination.PageVersions(MigrationPair.Vm));
        Assert.True(result.PagesSent > 256 * 256, $"{result.PagesSent} pages sent: dirtied pages are sent again");
        Assert.Contains(reports, r => r.Phase == MigrationPhase.PreCopy && r.Round == 1);
        Assert.Contains(reports, r => r.Phase == MigrationPhase.SwitchOver);
    }

    [Fact]
    public async Task MigrateThenActivate_LedgerShowsPauseThenDestinationStart()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(16);

        var result = await pair.Source.MigrateOutAsync(Ticket, endpoint, null, None);
        Assert.Empty(await pair.Destination.ListAsync(None)); // not a guest before activation
        await pair.Destination.ActivateIncomingAsync(Ticket, None);
        await pair.Destination.ActivateIncomingAsync(Ticket, None); // idempotent

        Assert.Equal(["start hv-src web-1 5", "stop hv-src web-1 5"], pair.Ledger(MigrationPair.SourceHost));
        Assert.Equal(["start hv-dst web-1 6"], pair.Ledger(MigrationPair.DestinationHost));
        Assert.False((await pair.SourceGuestAsync())!.Running);
        var moved = Assert.Single(await pair.Destination.ListAsync(None));
        Assert.Equal((6L, true), (moved.Epoch, moved.Running));
        Assert.True(result.PausedAt <= DateTimeOffset.UtcNow);
        Assert.True(result.SwitchOverDuration > TimeSpan.Zero);
    }

    [Fact]
    public async Task MigrateOut_ConnectionDropped_FailsWithReasonAndSourceRunsAgain()
    {
        using var pair = new MigrationPair(dirtyMibPerSecond: 20);
        var endpoint = await pair.StartAndPrepareAsync(64);
        pair.Source.MigrationFaults.DropConnectionAfterBytes = 10 * 1024 * 1024;

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, null, None));

        Assert.Contains("cut after 10485760 bytes", error.Message, StringComparison.Ordinal);
        Assert.True((await pair.SourceGuestAsync())!.Running);
        Assert.Equal(["start hv-src web-1 5"], pair.Ledger(MigrationPair.SourceHost));
        await WaitForAsync(() => pair.Destination.IncomingStateOf(MigrationPair.Vm) == IncomingState.Failed, "destination sees the lost connection");
        var refused = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Destination.ActivateIncomingAsync(Ticket, None));
        Assert.Contains("no verified copy", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await pair.Destination.ListAsync(None));
    }

    [Fact]
    public async Task MigrateOut_DroppedInSecondRound_FailsAndSourceRunsAgain()
    {
        using var pair = new MigrationPair(dirtyMibPerSecond: 500, migration: new MigrationOptions { MaxDowntime = TimeSpan.FromMilliseconds(1) });
        var endpoint = await pair.StartAndPrepareAsync(64);
        pair.Source.MigrationFaults.DropConnectionInRound = 2;

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, null, None));

        Assert.Equal("connection to the destination cut in round 2 (injected fault)", error.Message);
        Assert.True((await pair.SourceGuestAsync())!.Running);
    }

    [Fact]
    public async Task MigrateOut_CorruptPage_FailsNamingPageAndSourceRunsAgain()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(64);
        pair.Source.MigrationFaults.CorruptPage = 1000;

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, null, None));

        Assert.Equal("destination: page 1000 arrived corrupt in round 1: its content does not match version 0", error.Message);
        Assert.True((await pair.SourceGuestAsync())!.Running);
        await WaitForAsync(() => pair.Destination.IncomingStateOf(MigrationPair.Vm) == IncomingState.Failed, "destination refuses the copy");
    }

    [Fact]
    public async Task MigrateOut_StalePageAtSwitchOver_FailsNamingPageAndSourceStartsAgain()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(64);
        pair.Source.MigrationFaults.StalePage = 777;

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, null, None));

        Assert.Equal("destination: page 777 is at version 0 here but 1 on the source (stale page at switch-over)", error.Message);
        Assert.True((await pair.SourceGuestAsync())!.Running);
        Assert.Equal(["start hv-src web-1 5", "stop hv-src web-1 5", "start hv-src web-1 5"], pair.Ledger(MigrationPair.SourceHost));
    }

    [Fact]
    public async Task MigrateOut_SwitchOverFails_SourceRunsAgainAtSameEpoch()
    {
        using var pair = new MigrationPair(dirtyMibPerSecond: 20);
        var endpoint = await pair.StartAndPrepareAsync(32);
        pair.Source.MigrationFaults.FailSwitchOver = true;

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, null, None));

        Assert.Equal("switch-over failed after the pause (injected fault)", error.Message);
        var guest = (await pair.SourceGuestAsync())!;
        Assert.Equal((5L, true), (guest.Epoch, guest.Running));
        Assert.Equal(["start hv-src web-1 5", "stop hv-src web-1 5", "start hv-src web-1 5"], pair.Ledger(MigrationPair.SourceHost));
    }

    [Fact]
    public async Task MigrateOut_SwitchOverHangs_TimesOutWithPhaseAndSourceRunsAgain()
    {
        using var pair = new MigrationPair(migration: new MigrationOptions { Timeout = TimeSpan.FromSeconds(2) });
        var endpoint = await pair.StartAndPrepareAsync(16);
        pair.Source.MigrationFaults.HangSwitchOver = true;

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, null, None));

        Assert.StartsWith("timed out after 2 s in SwitchOver", error.Message, StringComparison.Ordinal);
        Assert.True((await pair.SourceGuestAsync())!.Running);
    }

    [Fact]
    public async Task MigrateOut_SwitchOverDelay_ReportsSwitchOverWhilePausedAndCancelEndsTheWait()
    {
        using var pair = new MigrationPair(dirtyMibPerSecond: 20, switchOverDelay: TimeSpan.FromMinutes(10));
        var endpoint = await pair.StartAndPrepareAsync(32);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // bounds the test if the report never comes
        var atSwitchOver = new TaskCompletionSource<MigrationProgress>(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new SyncProgress([], p =>
        {
            if (p.Phase == MigrationPhase.SwitchOver)
            {
                atSwitchOver.TrySetResult(p);
            }
        });

        var migrating = pair.Source.MigrateOutAsync(Ticket, endpoint, progress, cancel.Token);
        var report = await atSwitchOver.Task.WaitAsync(cancel.Token);
        var pausedGuest = (await pair.SourceGuestAsync())!;
        var ledgerWhilePaused = pair.Ledger(MigrationPair.SourceHost);
        var stateWhilePaused = pair.Destination.IncomingStateOf(MigrationPair.Vm);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => migrating);
        Assert.Equal(MigrationPhase.SwitchOver, report.Phase);
        Assert.False(pausedGuest.Running);
        Assert.Equal(["start hv-src web-1 5", "stop hv-src web-1 5"], ledgerWhilePaused);
        Assert.Equal(IncomingState.Receiving, stateWhilePaused); // the final frame never went out during the wait
        Assert.True((await pair.SourceGuestAsync())!.Running);
        Assert.Equal(["start hv-src web-1 5", "stop hv-src web-1 5", "start hv-src web-1 5"], pair.Ledger(MigrationPair.SourceHost));
        var refused = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Destination.ActivateIncomingAsync(Ticket, None));
        Assert.Contains("no verified copy", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateOut_ShortSwitchOverDelay_CompletesAndPauseLastsAtLeastTheDelay()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        using var pair = new MigrationPair(dirtyMibPerSecond: 20, switchOverDelay: delay);
        var endpoint = await pair.StartAndPrepareAsync(32);
        var reports = new List<MigrationProgress>();

        var result = await pair.Source.MigrateOutAsync(Ticket, endpoint, new SyncProgress(reports), None);
        await pair.Destination.ActivateIncomingAsync(Ticket, None);

        // Timers fire on a millisecond tick, so a 300 ms wait can measure a little under 300 ms on the stopwatch.
        Assert.True(result.SwitchOverDuration >= delay - TimeSpan.FromMilliseconds(5), $"switch-over took {result.SwitchOverDuration}");
        Assert.Equal(MigrationPhase.SwitchOver, reports[^1].Phase);
        Assert.Equal(pair.Source.PageVersions(MigrationPair.Vm), pair.Destination.PageVersions(MigrationPair.Vm));
    }

    [Fact]
    public async Task MigrateOut_Cancelled_OperationCanceledAndSourceRuns()
    {
        using var pair = new MigrationPair(bandwidthLimitMib: 16);
        var endpoint = await pair.StartAndPrepareAsync(256);
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress([], _ => cancel.Cancel());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, progress, cancel.Token));

        Assert.True((await pair.SourceGuestAsync())!.Running);
        Assert.Equal(["start hv-src web-1 5"], pair.Ledger(MigrationPair.SourceHost));
    }

    [Fact]
    public async Task MigrateOut_DestinationGoneMidPreCopy_FailsAndSourceRunsAgain()
    {
        using var pair = new MigrationPair(bandwidthLimitMib: 32);
        var endpoint = await pair.StartAndPrepareAsync(256);
        var progress = new SyncProgress([], p =>
        {
            if (p.BytesSent > 0)
            {
                _ = pair.Destination.AbortIncomingAsync(Ticket, None);
            }
        });

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, progress, None));

        Assert.Contains("destination", error.Message, StringComparison.Ordinal);
        Assert.True((await pair.SourceGuestAsync())!.Running);
        Assert.Null(pair.Destination.IncomingStateOf(MigrationPair.Vm));
    }

    [Fact]
    public async Task MigrateOut_NeverConverges_FailsAfterMaxRoundsWithReason()
    {
        var options = new MigrationOptions { MaxRounds = 4, AutoConverge = false, MaxDowntime = TimeSpan.FromMilliseconds(1) };
        using var pair = new MigrationPair(dirtyMibPerSecond: 400, migration: options, bandwidthLimitMib: 64, hotSetFraction: 1);
        var endpoint = await pair.StartAndPrepareAsync(16);

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, null, None));

        Assert.Matches(@"^did not converge after 4 rounds: [0-9.]+ MiB still dirty at [0-9]+ MiB/s, throttle 0%$", error.Message);
        Assert.True((await pair.SourceGuestAsync())!.Running);
    }

    [Fact]
    public async Task MigrateOut_HotWorkloadFasterThanLink_AutoConvergeThrottlesAndConverges()
    {
        using var pair = new MigrationPair(dirtyMibPerSecond: 200, bandwidthLimitMib: 64);
        var endpoint = await pair.StartAndPrepareAsync(32);

        var result = await pair.Source.MigrateOutAsync(Ticket, endpoint, null, None);
        await pair.Destination.ActivateIncomingAsync(Ticket, None);

        Assert.True(result.ThrottlePercent >= 20, $"throttle {result.ThrottlePercent}% after {result.Rounds} rounds");
        Assert.Equal(pair.Source.PageVersions(MigrationPair.Vm), pair.Destination.PageVersions(MigrationPair.Vm));
    }

    [Fact]
    public async Task PrepareIncoming_WrongTokenConnection_RefusedAndRightSourceStillAccepted()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(8);
        var forged = endpoint with { Token = "not-the-token" };

        var refused = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, forged, null, None));
        var result = await pair.Source.MigrateOutAsync(Ticket, endpoint, null, None);

        Assert.Equal("destination: wrong token", refused.Message);
        Assert.Equal(8 * 256, result.PagesSent);
    }

    [Fact]
    public async Task PrepareIncoming_Retried_SameEndpoint()
    {
        using var pair = new MigrationPair();
        var first = await pair.StartAndPrepareAsync(8);

        var second = await pair.Destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None);

        Assert.Equal(first, second);
        Assert.Equal("127.0.0.1", first.Address);
        Assert.Equal(32, first.Token.Length);
    }

    [Fact]
    public async Task AbortIncoming_Twice_DropsListenerAndSourceCannotConnect()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(8);

        await pair.Destination.AbortIncomingAsync(Ticket, None);
        await pair.Destination.AbortIncomingAsync(Ticket, None);
        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Source.MigrateOutAsync(Ticket, endpoint, null, None));

        Assert.StartsWith("cannot connect to the destination", error.Message, StringComparison.Ordinal);
        Assert.Null(pair.Destination.IncomingStateOf(MigrationPair.Vm));
        Assert.True((await pair.SourceGuestAsync())!.Running);
    }

    [Fact]
    public async Task ActivateIncoming_Fault_FailsAndRetrySucceedsOnceCleared()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(8);
        await pair.Source.MigrateOutAsync(Ticket, endpoint, null, None);
        pair.Destination.MigrationFaults.FailActivateIncoming = true;

        await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Destination.ActivateIncomingAsync(Ticket, None));
        Assert.Empty(await pair.Destination.ListAsync(None));
        pair.Destination.MigrationFaults.Reset();
        await pair.Destination.ActivateIncomingAsync(Ticket, None);

        Assert.True(Assert.Single(await pair.Destination.ListAsync(None)).Running);
    }

    [Fact]
    public async Task PrepareIncoming_Fault_Fails()
    {
        using var pair = new MigrationPair();
        pair.Destination.MigrationFaults.FailPrepareIncoming = true;

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => pair.Destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None));

        Assert.Equal("hv-dst cannot prepare to receive vm web-1 (injected fault)", error.Message);
    }

    [Fact]
    public async Task ResumeAsync_AfterVerifiedCopyNotCommitted_SourceRunsAgainAndDestinationAborts()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(8);
        await pair.Source.MigrateOutAsync(Ticket, endpoint, null, None);

        await pair.Destination.AbortIncomingAsync(Ticket, None);
        await pair.Source.ResumeAsync(Ticket, None);
        await pair.Source.ResumeAsync(Ticket, None); // idempotent

        Assert.True((await pair.SourceGuestAsync())!.Running);
        Assert.Equal(["start hv-src web-1 5", "stop hv-src web-1 5", "start hv-src web-1 5"], pair.Ledger(MigrationPair.SourceHost));
        Assert.Empty(await pair.Destination.ListAsync(None));
    }

    [Fact]
    public async Task MigrateOut_RetriedAfterVerifiedCopy_ReturnsSameResult()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(8);
        var first = await pair.Source.MigrateOutAsync(Ticket, endpoint, null, None);

        var again = await pair.Source.MigrateOutAsync(Ticket, endpoint, null, None);

        Assert.Same(first, again);
    }

    [Fact]
    public async Task MigrateOut_GuestNotHereAtEpoch_FailsNamingIt()
    {
        using var pair = new MigrationPair();
        var endpoint = await pair.StartAndPrepareAsync(8);

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() =>
            pair.Source.MigrateOutAsync(Ticket with { SourceEpoch = 4 }, endpoint, null, None));

        Assert.Equal("vm web-1 does not run on hv-src at epoch 4", error.Message);
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms for at most 10 s.</summary>
    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), $"timed out waiting until {what}");
    }

    /// <summary>Records reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class SyncProgress(List<MigrationProgress> reports, Action<MigrationProgress>? onReport = null) : IProgress<MigrationProgress>
    {
        public void Report(MigrationProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }

            onReport?.Invoke(value);
        }
    }
}
