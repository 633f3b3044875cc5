using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Events;
using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Core.Placement;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace HostGrid.Grains.Vms;

/// <summary>
/// Live migration, as the guest's grain runs it: reserve on the destination, prepare it, pre-copy and switch over on
/// the source, then commit (host and epoch change in one persisted write), run the destination copy and clean up the
/// source. The run goes on in the background of this activation, so reads and a cancel are served meanwhile; every
/// phase is persisted, and an activation that finds a migration it is not running finishes it (committed) or rolls it back.
/// </summary>
public sealed partial class VmGrain : IRemindable, IDisposable
{
    private const string MigrationReminder = "migration";

    /// <summary>Wakes a grain whose silo died mid-migration (the shortest period Orleans reminders allow by default).</summary>
    private static readonly TimeSpan MigrationReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>How often a running migration checks that both hosts are still alive.</summary>
    private static readonly TimeSpan HostWatchPeriod = TimeSpan.FromSeconds(1);

    private Task? _migration;
    private CancellationTokenSource? _migrationCancel;
    private string? _migrationAbandoned;
    private SwitchOverClock? _switchOver;

    public void Dispose() => _migrationCancel?.Dispose();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Record.Migration is not null)
        {
            _migration = RecoverMigrationAsync(); // its end follows the guest
        }
        else if (GuestSiloElsewhere() is not null)
        {
            // Activated away from the guest: Orleans moves an activation on a best-effort basis (one that fails is
            // deactivated and placed anew), and a grain activated after its silo died lands anywhere. Follow once the
            // request that activated it has run, unless that started a move (whose end follows).
            this.RegisterGrainTimer(
                _ =>
                {
                    if (_migration is null or { IsCompleted: true })
                    {
                        FollowGuest();
                    }

                    return Task.CompletedTask;
                },
                new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Orleans deactivates (or moves) an activation once no request runs, but a move runs in the background: it ends
    /// here first, else the next activation would take over a record this one still writes. Bounded by Orleans'
    /// deactivation timeout; after that the next activation recovers the move from its persisted phase.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_migration is { IsCompleted: false } running)
        {
            await running.WaitAsync(cancellationToken);
        }
    }

    public async Task<OperationSnapshot> MigrateAsync(HostId? target)
    {
        EnsureExists();
        EnsureNoOperation();
        if (Record.Host is not { } source || Record.State is not (VmState.Running or VmState.Stopped))
        {
            throw new InvalidStateException($"vm {VmId} is {Record.State}: only a running or stopped guest on a host can migrate");
        }

        if (target == source)
        {
            throw new InvalidStateException($"vm {VmId} is already on host {source}");
        }

        var hosts = await ReadHostsAsync();
        if (target is { } requested && hosts.All(h => h.HostId != requested))
        {
            throw new HostNotFoundException(requested);
        }

        var now = _time.GetUtcNow();
        var migration = new MigrationRecord
        {
            OperationId = $"migrate-{VmId}-{now.ToUnixTimeMilliseconds()}",
            Source = source,
            SourceEpoch = Record.Epoch,
            TargetEpoch = Record.Epoch + 1,
            Live = Record.State == VmState.Running,
            StartedAt = now,
            Phase = MigrationPhase.Reserve,
        };
        await ReserveTargetAsync(migration, target, hosts.Where(h => h.HostId != source).ToList());
        await this.RegisterOrUpdateReminder(MigrationReminder, MigrationReminderPeriod, MigrationReminderPeriod);
        LogMigrationStarted(VmId, migration.OperationId, source, migration.Target, migration.Live);
        // A cold move stays in Reserve until its commit: nothing else happens in between.
        await AdvanceAsync(migration, migration.Live ? MigrationStateMachine.Next(MigrationPhase.Reserve, live: true) : MigrationPhase.Reserve);
        _migration = RunMigrationAsync(migration);
        return MigrationOperation(migration, OperationState.Running, $"moving from {source} to {migration.Target}");
    }

    public async Task CancelMigrationAsync(string operationId)
    {
        if (Record.Migration is not { } migration || migration.OperationId != operationId)
        {
            throw new InvalidStateException($"operation {operationId} is not running on vm {VmId}");
        }

        if (MigrationStateMachine.RollsForward(migration.Phase))
        {
            throw new InvalidStateException($"operation {operationId} has committed vm {VmId} to host {migration.Target}; it can no longer be cancelled");
        }

        // Only flags and tokens here: the run persists the outcome (two interleaved writes of one record would conflict).
        migration.CancelRequested = true;
        _migrationCancel?.Cancel();
        if (migration.Phase >= MigrationPhase.PreCopy)
        {
            await Agent(migration.Source).CancelMigrationAsync(operationId);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == MigrationReminder && Record.Migration is null)
        {
            return UnregisterMigrationReminderAsync();
        }

        if (reminderName == MigrationReminder && _migration is null or { IsCompleted: true })
        {
            _migration = RecoverMigrationAsync();
        }

        return Task.CompletedTask;
    }

    /// <summary>The first candidate that grants a reservation becomes the target; the record names it before asking, so a crash can release it.</summary>
    private async Task ReserveTargetAsync(MigrationRecord migration, HostId? target, IReadOnlyList<HostSnapshot> candidates)
    {
        var decision = _scheduler.Place(new PlacementRequest(VmId, Spec with { TargetHost = target }, candidates));
        var refusals = decision.Rejections.ToList();
        foreach (var candidate in decision.Candidates)
        {
            migration.Target = candidate;
            Record.Migration = migration;
            await _record.WriteStateAsync();
            var reservation = await HostRecord(candidate).TryReserveAsync(new Reservation(VmId, Spec.Resources, Spec.AntiAffinityGroup));
            if (reservation.Granted)
            {
                return;
            }

            refusals.Add(new PlacementRejection(candidate, "reservation", reservation.RefusalReason!));
        }

        Record.Migration = null;
        await _record.WriteStateAsync();
        throw new InsufficientCapacityException(new PlacementDecision([], refusals).Explain(VmId, Spec.Resources));
    }

    private async Task RunMigrationAsync(MigrationRecord migration)
    {
        _migrationCancel = new CancellationTokenSource();
        try
        {
            try
            {
                if (migration.Live)
                {
                    await CopyAsync(migration, _migrationCancel.Token);
                }

                await CommitAsync(migration);
            }
            catch (Exception e) when (!MigrationStateMachine.RollsForward(migration.Phase))
            {
                var outcome = migration.CancelRequested ? OperationState.Cancelled : OperationState.Failed;
                var reason = migration.CancelRequested ? "cancelled on request" : _migrationAbandoned ?? Describe(e);
                await RollBackAsync(migration, outcome, reason);
                return;
            }

            await FinishAsync(migration);
        }
        catch (Exception e)
        {
            // Storage or a grain call failed while undoing or finishing: the record keeps the phase, the reminder retries.
            LogMigrationStepFailed(VmId, migration.OperationId, migration.Phase, Describe(e));
            // What this activation holds may not be what storage holds: the next activation reloads and recovers.
            DeactivateOnIdle();
        }
        finally
        {
            _migrationCancel.Dispose();
            _migrationCancel = null;
            _migrationAbandoned = null;
            _switchOver = null;
        }
    }

    /// <summary>Prepare, pre-copy and switch-over: returns with the guest paused on the source and verified on the target.</summary>
    private async Task CopyAsync(MigrationRecord migration, CancellationToken cancel)
    {
        var ticket = Ticket(migration);
        if (migration.Phase == MigrationPhase.Prepare)
        {
            migration.Endpoint = await Agent(migration.Target).PrepareIncomingAsync(ticket, GuestSpec()).WaitAsync(cancel);
            await AdvanceAsync(migration, MigrationStateMachine.Next(MigrationPhase.Prepare, live: true));
        }

        cancel.ThrowIfCancellationRequested();
        var copy = Agent(migration.Source).MigrateOutAsync(ticket, migration.Endpoint!);
        // Bounded by the source's MigrationOptions.Timeout; a host declared Down ends the wait at once, since a hung
        // agent would otherwise hold the call until its response timeout.
        while (!copy.IsCompleted)
        {
            await Task.WhenAny(copy, Task.Delay(HostWatchPeriod, cancel));
            if (cancel.IsCancellationRequested)
            {
                copy.Ignore();
                throw new OperationCanceledException(cancel);
            }

            if (!copy.IsCompleted && await FirstDownAsync(migration.Source, migration.Target) is { } down)
            {
                copy.Ignore();
                throw new HostUnreachableException(down, "host went down during the migration");
            }
        }

        migration.Result = await copy;
        // A real hypervisor may still be loading the last pages when the source says done: commit only on a whole copy.
        // A pre-copy handed over to post-copy has no whole copy yet, and the guest still runs on the source: it commits now.
        if (!migration.Result.PostCopy)
        {
            _switchOver = new SwitchOverClock(migration.Result.SwitchOverDuration);
            await Agent(migration.Target).ConfirmIncomingAsync(ticket).WaitAsync(cancel);
            _switchOver.Confirmed();
        }

        if (migration.CancelRequested)
        {
            throw new OperationCanceledException("cancelled");
        }

        migration.Phase = MigrationStateMachine.Next(MigrationPhase.PreCopy, live: true);
    }

    /// <summary>The commit point: host and epoch change in one persisted write. After it the move only rolls forward.</summary>
    private async Task CommitAsync(MigrationRecord migration)
    {
        var phase = migration.Phase;
        Record.Host = migration.Target;
        Record.Epoch = migration.TargetEpoch;
        migration.Phase = MigrationPhase.Commit;
        try
        {
            await _record.WriteStateAsync();
            _switchOver?.Committed();
        }
        catch
        {
            // The write may have landed or not: only storage knows. Read it back and go on from what it says.
            await _record.ReadStateAsync();
            if (Record.Migration is { Phase: MigrationPhase.Commit })
            {
                Record.Migration = migration;
                return;
            }

            Record.Host = migration.Source;
            Record.Epoch = migration.SourceEpoch;
            migration.Phase = phase;
            Record.Migration = migration;
            throw;
        }
    }

    /// <summary>Rolls a committed move forward: the target's copy runs, the source's copy stops and its capacity is released.</summary>
    private async Task FinishAsync(MigrationRecord migration)
    {
        TimeSpan? downtime = null;
        var state = migration.Live ? VmState.Running : VmState.Stopped;
        string? message = null;
        if (migration.Phase == MigrationPhase.Commit)
        {
            if (migration.Live)
            {
                (state, message, downtime) = migration.Result?.PostCopy == true
                    ? await FinishPostCopyAsync(migration)
                    : await ActivateTargetAsync(migration);
            }

            migration.Phase = MigrationPhase.Cleanup;
            await _record.WriteStateAsync();
        }

        if (migration.Live)
        {
            await TryAsync(() => Agent(migration.Source).StopGuestAsync(VmId, migration.SourceEpoch));
        }

        // Once released, a source copy that could not be stopped is a stray: its agent stops it on its next heartbeat.
        await RetryAsync(() => HostRecord(migration.Source).ReleaseAsync(VmId));
        Record.Migration = null;
        await RetryAsync(() => SaveAsync(state, message));
        await TryAsync(UnregisterMigrationReminderAsync);
        migration.Phase = MigrationPhase.Done;
        var postCopy = migration.Result?.PostCopy == true ? ", then post-copy" : "";
        var summary = downtime is { } d
            ? $"moved from {migration.Source} to {migration.Target}: downtime {d.TotalMilliseconds:F1} ms, {migration.Result?.Rounds} rounds{postCopy}"
            : $"moved from {migration.Source} to {migration.Target}";
        await RetryAsync(() => Operation(migration).SaveAsync(MigrationOperation(migration, OperationState.Succeeded, message ?? summary, downtime)));
        LogMigrationCompleted(VmId, migration.OperationId, migration.Target, downtime?.TotalMilliseconds ?? 0);
        await AppendAsync(EventKinds.VmMigrated, summary);
        FollowGuest();
    }

    /// <summary>Runs the verified copy on the target; the pause ends here, so this measures the downtime.</summary>
    private async Task<(VmState State, string? Message, TimeSpan? Downtime)> ActivateTargetAsync(MigrationRecord migration)
    {
        try
        {
            await Agent(migration.Target).ActivateIncomingAsync(Ticket(migration));
            if (_switchOver is not { } clock)
            {
                return (VmState.Running, null, null); // recovered by a later activation: the pause was not timed
            }

            clock.Activated();
            LogSwitchOver(VmId, migration.OperationId, clock);
            return (VmState.Running, null, clock.Downtime);
        }
        catch (MigrationFailedException e)
        {
            // The target lost the copy (its agent restarted after the commit): boot the guest there from its disk.
            Record.Epoch++;
            await Agent(migration.Target).StartGuestAsync(VmId, GuestSpec(), Record.Epoch);
            return (VmState.Running, $"moved to {migration.Target}, which lost the migrated memory ({e.Message}); restarted there", null);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return (VmState.Starting, $"moved to {migration.Target}, whose agent did not answer ({Describe(e)}); failover restarts it if the host is down", null);
        }
    }

    /// <summary>
    /// A committed move whose pre-copy did not converge: the source pauses and switches to post-copy, then the target's copy
    /// runs and pulls the pages it lacks. If the switch fails the guest's memory is lost, and the guest may still run on
    /// the source: that copy is stopped first, then the guest boots on the target from its disk.
    /// </summary>
    private async Task<(VmState State, string? Message, TimeSpan? Downtime)> FinishPostCopyAsync(MigrationRecord migration)
    {
        var ticket = Ticket(migration);
        try
        {
            migration.Result = await Agent(migration.Source).StartPostCopyAsync(ticket);
            _switchOver = new SwitchOverClock(migration.Result.SwitchOverDuration);
            await Agent(migration.Target).ConfirmIncomingAsync(ticket);
            _switchOver.Confirmed();
        }
        catch (Exception e) when (e is MigrationFailedException || IsUnreachable(e))
        {
            return await RestartOnTargetAsync(migration, $"post-copy did not start ({Describe(e)})");
        }

        return await ActivateTargetAsync(migration);
    }

    /// <summary>The committed guest's memory is lost: boot it on the target from its disk once no copy runs on the source.</summary>
    private async Task<(VmState State, string? Message, TimeSpan? Downtime)> RestartOnTargetAsync(MigrationRecord migration, string reason)
    {
        var sourceStopped = true;
        try
        {
            await Agent(migration.Source).StopGuestAsync(VmId, migration.SourceEpoch);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            sourceStopped = false;
            reason = $"{reason}, and {migration.Source} did not answer ({Describe(e)})";
        }

        await TryAsync(() => Agent(migration.Target).AbortIncomingAsync(Ticket(migration)));
        if (!sourceStopped)
        {
            // Its lease fences that copy, or its host stops it as a stray once released; the guest, missing on the
            // target, is restarted by GuestLostAsync after that grace.
            return (VmState.Starting, $"moved to {migration.Target}, but {reason}: it restarts once no copy runs", null);
        }

        Record.Epoch++;
        await Agent(migration.Target).StartGuestAsync(VmId, GuestSpec(), Record.Epoch);
        return (VmState.Running, $"moved to {migration.Target}, but {reason}: its memory was lost, so it restarted there from its disk", null);
    }

    /// <summary>Undoes a move that did not commit, in the order <see cref="MigrationRollback"/> gives.</summary>
    private async Task RollBackAsync(MigrationRecord migration, OperationState outcome, string reason)
    {
        var steps = MigrationStateMachine.RollbackFrom(migration.Phase);
        var ticket = Ticket(migration);
        if (steps.CancelSource)
        {
            await TryAsync(() => Agent(migration.Source).CancelMigrationAsync(migration.OperationId));
        }

        if (steps.AbortIncoming)
        {
            await TryAsync(() => Agent(migration.Target).AbortIncomingAsync(ticket));
        }

        // An unreachable source is being failed over (the guest is still recorded there); nothing to resume.
        if (steps.ResumeSource)
        {
            await TryAsync(() => Agent(migration.Source).ResumeGuestAsync(ticket));
        }

        await RetryAsync(() => HostRecord(migration.Target).ReleaseAsync(VmId));
        Record.Migration = null;
        var message = $"migration to {migration.Target} {(outcome == OperationState.Cancelled ? "cancelled" : "failed")}: {reason}";
        await RetryAsync(() => SaveAsync(migration.Live ? VmState.Running : VmState.Stopped, message));
        await TryAsync(UnregisterMigrationReminderAsync);
        migration.Phase = MigrationPhase.Done;
        await RetryAsync(() => Operation(migration).SaveAsync(MigrationOperation(migration, outcome, reason)));
        LogMigrationRolledBack(VmId, migration.OperationId, reason);
        await AppendAsync(EventKinds.VmMigrationFailed, message);
        FollowGuest(); // a recovering activation may be anywhere
    }

    /// <summary>A migration this activation did not start (its silo died): finish it if committed, else roll it back.</summary>
    private async Task RecoverMigrationAsync()
    {
        await Task.Yield();
        if (Record.Migration is not { } migration)
        {
            return;
        }

        LogMigrationRecovering(VmId, migration.OperationId, migration.Phase);
        try
        {
            if (MigrationStateMachine.RollsForward(migration.Phase))
            {
                await FinishAsync(migration);
            }
            else
            {
                await RollBackAsync(migration, OperationState.Failed, $"interrupted in phase {migration.Phase}: the silo running it stopped");
            }
        }
        catch (Exception e)
        {
            LogMigrationStepFailed(VmId, migration.OperationId, migration.Phase, Describe(e));
        }
    }

    private async Task AdvanceAsync(MigrationRecord migration, MigrationPhase phase)
    {
        migration.Phase = phase;
        var message = $"migrating to {migration.Target} ({phase})";
        await SaveAsync(migration.Live ? VmState.Migrating : VmState.Stopped, message);
        await Operation(migration).SaveAsync(MigrationOperation(migration, OperationState.Running, message));
        LogMigrationPhase(VmId, migration.OperationId, phase);
    }

    /// <summary>A failover of one of the migration's hosts must not wait for the migration: cancel it and let it roll back first.</summary>
    private async Task AbandonMigrationAsync(HostId deadHost)
    {
        if (_migration is not { IsCompleted: false } running)
        {
            return;
        }

        if (Record.Migration is { } migration && !MigrationStateMachine.RollsForward(migration.Phase))
        {
            _migrationAbandoned = $"host {deadHost} is down";
            _migrationCancel?.Cancel();
        }

        await running;
    }

    /// <summary>Before a failover acts on the guest's record, a migration that is still recorded (its run failed midway) is finished or undone.</summary>
    private async Task SettleMigrationAsync(HostId deadHost)
    {
        await AbandonMigrationAsync(deadHost);
        if (Record.Migration is not null)
        {
            _migration = RecoverMigrationAsync();
            await _migration;
        }
    }

    /// <summary>
    /// A step of an undo or a cleanup that must happen, retried (up to ten times, a second apart) while a grain it calls
    /// is unreachable: right after a silo dies, calls to grains that lived there fail until the cluster declares it dead.
    /// </summary>
    private static async Task RetryAsync(Func<Task> step)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await step();
                return;
            }
            catch (Exception e) when (attempt < 10 && IsUnreachable(e))
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private async Task<HostId?> FirstDownAsync(HostId source, HostId target)
    {
        foreach (var host in new[] { source, target })
        {
            if ((await HostRecord(host).GetSnapshotAsync()).Status == HostStatus.Down)
            {
                return host;
            }
        }

        return null;
    }

    private void EnsureNoOperation()
    {
        if (Record.Migration is { } migration)
        {
            throw new OperationInProgressException($"vm {VmId}", migration.OperationId);
        }
    }

    /// <summary>The silo serving the guest's host, when that is not this activation's; null if none serves it.</summary>
    private SiloAddress? GuestSiloElsewhere() =>
        Record.Migration is null && Record.Host is { } host && _silos.Find(host) is { } silo && !silo.Equals(GrainContext.Address.SiloAddress)
            ? silo
            : null;

    /// <summary>Moves this grain's activation next to the guest, so commands to it run on the silo that runs it.</summary>
    private void FollowGuest()
    {
        if (GuestSiloElsewhere() is { } silo)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
            MigrateOnIdle();
        }
    }

    private Task UnregisterMigrationReminderAsync() => UnregisterReminderAsync(MigrationReminder);

    private async Task UnregisterReminderAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>A best-effort step of an undo or a cleanup: an unreachable or refusing agent is reconciled later by heartbeats and failover.</summary>
    private async Task TryAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (IsUnreachable(e) || e is HostGridException)
        {
            LogMigrationStepSkipped(VmId, Describe(e));
        }
    }

    private MigrationTicket Ticket(MigrationRecord migration) => new(migration.OperationId, VmId, migration.SourceEpoch, migration.TargetEpoch);

    private IOperationGrain Operation(MigrationRecord migration) => GrainFactory.GetGrain<IOperationGrain>(migration.OperationId);

    private IHostGrain HostRecord(HostId host) => GrainFactory.GetGrain<IHostGrain>(host.Value);

    private OperationSnapshot MigrationOperation(MigrationRecord migration, OperationState state, string? message, TimeSpan? downtime = null)
    {
        var now = _time.GetUtcNow();
        var progress = migration.Result is { } r
            ? new MigrationProgress(migration.Phase, r.Rounds, r.BytesSent, 0, Spec.Resources.MemoryMib * 1024L * 1024, r.BandwidthBytesPerSecond, r.ThrottlePercent)
            : null;
        return new OperationSnapshot(
            migration.OperationId,
            OperationKind.Migrate,
            state,
            VmId,
            migration.Source,
            migration.Target,
            migration.Phase,
            progress,
            downtime,
            message,
            migration.StartedAt,
            now,
            state == OperationState.Running ? null : now,
            null,
            migration.CancelRequested,
            HypervisorDowntime: downtime is null ? null : migration.Result?.HypervisorDowntime,
            PostCopy: migration.Result?.PostCopy == true);
    }
}
