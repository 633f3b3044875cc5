using HostGrid.Contracts.Migration;
using HostGrid.Hypervisor.Migration;

namespace HostGrid.Hypervisor.Tests.Migration;

public sealed class EpochFencedMigrationTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly VmId Vm = MigrationPair.Vm;
    private static readonly MigrationTicket Ticket = MigrationPair.Ticket(); // source epoch 5, target 6

    private readonly MigrationPair _pair = new();
    private readonly EpochFencedDriver _source;
    private readonly EpochFencedDriver _destination;

    public EpochFencedMigrationTests()
    {
        _source = new EpochFencedDriver(_pair.Source);
        _destination = new EpochFencedDriver(_pair.Destination);
    }

    public void Dispose()
    {
        _source.Dispose();
        _destination.Dispose();
        _pair.Dispose();
    }

    [Fact]
    public async Task PrepareIncoming_TargetEpoch_AdmittedAndRecorded()
    {
        var endpoint = await _destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None);

        Assert.True(endpoint.Port > 0);
        Assert.Equal(6, _destination.NewestEpoch(Vm));
    }

    [Fact]
    public async Task PrepareIncoming_TargetOlderThanSeen_StaleEpochAndNoListener()
    {
        await _destination.StopAsync(Vm, 7, None);

        var error = await Assert.ThrowsAsync<StaleEpochException>(() => _destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None));

        Assert.Equal((6L, 7L), (error.Epoch, error.Current));
        Assert.Null(_pair.Destination.IncomingStateOf(Vm));
    }

    [Fact]
    public async Task MigrateOut_SourceEpochOlderThanSeen_StaleEpochAndGuestRuns()
    {
        await _source.StartAsync(Vm, MigrationPair.Spec(8), 5, None);
        var endpoint = await _destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None);
        await _source.StopAsync(new VmId("other"), 1, None);
        await _source.StartAsync(Vm, MigrationPair.Spec(8), 9, None);

        await Assert.ThrowsAsync<StaleEpochException>(() => _source.MigrateOutAsync(Ticket, endpoint, null, None));

        Assert.True(Assert.Single(await _source.ListAsync(None)).Running);
    }

    [Fact]
    public async Task ActivateIncoming_TargetOlderThanSeen_StaleEpochAndNothingRuns()
    {
        await _source.StartAsync(Vm, MigrationPair.Spec(8), 5, None);
        var endpoint = await _destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None);
        await _source.MigrateOutAsync(Ticket, endpoint, null, None);
        await _destination.StopAsync(Vm, 8, None);

        await Assert.ThrowsAsync<StaleEpochException>(() => _destination.ActivateIncomingAsync(Ticket, None));

        Assert.Empty(await _destination.ListAsync(None));
    }

    [Fact]
    public async Task ActivateIncoming_Current_RunsAtTargetEpoch()
    {
        await _source.StartAsync(Vm, MigrationPair.Spec(8), 5, None);
        var endpoint = await _destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None);
        await _source.MigrateOutAsync(Ticket, endpoint, null, None);

        await _destination.ActivateIncomingAsync(Ticket, None);

        var guest = Assert.Single(await _destination.ListAsync(None));
        Assert.Equal((6L, true), (guest.Epoch, guest.Running));
    }

    [Fact]
    public async Task ResumeAsync_AfterMoveCommitted_StaleEpochAndNothingRunsOnSource()
    {
        await _source.StartAsync(Vm, MigrationPair.Spec(8), 5, None);
        var endpoint = await _destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None);
        await _source.MigrateOutAsync(Ticket, endpoint, null, None);
        await _destination.ActivateIncomingAsync(Ticket, None);
        await _source.StopAsync(Vm, Ticket.TargetEpoch, None); // the clean-up after Commit, at the new epoch

        var error = await Assert.ThrowsAsync<StaleEpochException>(() => _source.ResumeAsync(Ticket, None));

        Assert.Equal((5L, 6L), (error.Epoch, error.Current));
        Assert.Empty(await _pair.Source.ListAsync(None));
        Assert.Equal(["start hv-src web-1 5", "stop hv-src web-1 5"], _pair.Ledger(MigrationPair.SourceHost));
    }

    [Fact]
    public async Task ResumeAsync_SourceEpochCurrent_GuestRunsAgain()
    {
        await _source.StartAsync(Vm, MigrationPair.Spec(8), 5, None);
        var endpoint = await _destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None);
        await _source.MigrateOutAsync(Ticket, endpoint, null, None);

        await _source.ResumeAsync(Ticket, None);

        Assert.True(Assert.Single(await _source.ListAsync(None)).Running);
    }

    [Fact]
    public async Task AbortIncoming_NewerEpochThanTargetSeen_NoOp()
    {
        await _destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None);
        await _destination.StopAsync(Vm, 7, None);

        await _destination.AbortIncomingAsync(Ticket, None);

        Assert.Equal(IncomingState.Listening, _pair.Destination.IncomingStateOf(Vm));
    }

    [Fact]
    public async Task AbortIncoming_Current_DropsIncomingCopy()
    {
        await _destination.PrepareIncomingAsync(Ticket, MigrationPair.Spec(8), None);

        await _destination.AbortIncomingAsync(Ticket, None);
        await _destination.AbortIncomingAsync(Ticket, None);

        Assert.Null(_pair.Destination.IncomingStateOf(Vm));
    }

    [Fact]
    public async Task MigrateOut_InProgress_DoesNotHoldTheGate()
    {
        using var slow = new MigrationPair(bandwidthLimitMib: 4);
        using var source = new EpochFencedDriver(slow.Source);
        var endpoint = await slow.StartAndPrepareAsync(64);
        using var cancel = new CancellationTokenSource();
        var reports = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new Progress(p =>
        {
            if (p.BytesSent > 0 && Interlocked.Increment(ref reports) == 1)
            {
                started.TrySetResult();
            }
        });

        var migrating = source.MigrateOutAsync(Ticket, endpoint, progress, cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await source.StartAsync(new VmId("db-1"), MigrationPair.Spec(8), 1, None);

        Assert.False(migrating.IsCompleted); // 64 MiB at 4 MiB/s still copying while another command went through
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => migrating);
        Assert.Equal(2, (await source.ListAsync(None)).Count(g => g.Running));
    }

    private sealed class Progress(Action<MigrationProgress> report) : IProgress<MigrationProgress>
    {
        public void Report(MigrationProgress value) => report(value);
    }
}
