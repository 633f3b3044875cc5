using HostGrid.Core.Failover;
using HostGrid.Contracts.Cluster;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Events;
using HostGrid.Contracts.Failover;
using HostGrid.Grains.Events;
using HostGrid.Grains.Placement;
using HostGrid.Core.Placement;
using HostGrid.Core.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace HostGrid.Grains.Vms;

/// <summary>
/// The single writer of one guest's record. A command loads the record, asks Core (placement, validation),
/// reserves capacity on the chosen host, drives the host's agent with the guest's epoch, and persists each step.
/// Grain calls are not interleaved, so a guest has one command in progress at a time.
/// </summary>
public sealed partial class VmGrain : Grain, IVmGrain
{
    private readonly IPersistentState<VmRecord> _record;
    private readonly Scheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly IEventLog _events;
    private readonly HostSilos _silos;
    private readonly ILogger<VmGrain> _logger;

    /// <summary>A guest started this recently may not be in its host's heartbeats yet.</summary>
    private readonly TimeSpan _guestLostGrace;

    public VmGrain(
        [PersistentState("vm", HostGridStorage.ProviderName)] IPersistentState<VmRecord> record,
        Scheduler scheduler,
        TimeProvider time,
        IEventLog events,
        IOptions<FailoverOptions> failover,
        HostSilos silos,
        ILogger<VmGrain> logger)
    {
        _guestLostGrace = failover.Value.HeartbeatInterval * failover.Value.MissedHeartbeats;
        _record = record;
        _scheduler = scheduler;
        _time = time;
        _events = events;
        _silos = silos;
        _logger = logger;
    }

    private VmId VmId => new(this.GetPrimaryKeyString());

    private VmRecord Record => _record.State;

    private VmSpec Spec => Record.Spec!;

    private IInventoryGrain Inventory => GrainFactory.GetGrain<IInventoryGrain>(IInventoryGrain.Key);

    public async Task<VmSnapshot> CreateAsync(CreateVmCommand command)
    {
        if (Record.Exists)
        {
            // The create that made this guest, repeated (its reply was lost): the same answer, not an error.
            return command.RequestId is { } retried && retried == Record.CreateRequestId ? Snapshot() : throw new VmAlreadyExistsException(VmId);
        }

        VmSpecValidator.ValidateId(VmId.Value);
        VmSpecValidator.Validate(command.Spec);
        Record.CreateRequestId = VmSpecValidator.ValidateRequestId(command.RequestId);
        var now = _time.GetUtcNow();
        Record.Spec = command.Spec;
        Record.DesiredState = command.StartStopped ? VmState.Stopped : VmState.Running;
        Record.State = VmState.Pending;
        Record.CreatedAt = now;
        Record.UpdatedAt = now;
        // Epochs start from the clock, not 0: agents remember the newest epoch per guest id, and a guest deleted
        // and created again under the same id must not look older than its predecessor.
        Record.Epoch = now.ToUnixTimeMilliseconds();
        try
        {
            await PlaceAsync(start: !command.StartStopped, creating: true);
        }
        catch
        {
            await ForgetAsync();
            throw;
        }

        LogCreated(VmId, Record.Host!.Value, Record.Epoch);
        await AppendAsync(EventKinds.VmCreated, $"created on {Record.Host} ({Record.State})");
        return Snapshot();
    }

    public Task<VmSnapshot> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Snapshot());
    }

    public async Task<VmSnapshot> StartAsync()
    {
        EnsureExists();
        EnsureNoOperation();
        if (Record.State is VmState.Running)
        {
            return Snapshot();
        }

        if (Record.Host is not { } host)
        {
            Record.DesiredState = VmState.Running;
            await PlaceAsync(start: true, creating: false);
            return Snapshot();
        }

        Record.Epoch++;
        Record.DesiredState = VmState.Running;
        await SaveAsync(VmState.Starting, null);
        try
        {
            await Agent(host).StartGuestAsync(VmId, GuestSpec(), Record.Epoch);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            Record.DesiredState = VmState.Stopped;
            await SaveAsync(VmState.Stopped, $"start failed: host {host} unreachable");
            throw new HostUnreachableException(host, Describe(e));
        }

        await SaveAsync(VmState.Running, null);
        LogStarted(VmId, host, Record.Epoch);
        await AppendAsync(EventKinds.VmStarted, $"started on {host}");
        return Snapshot();
    }

    public async Task<VmSnapshot> StopAsync()
    {
        EnsureExists();
        EnsureNoOperation();
        if (Record.State is VmState.Stopped or VmState.Pending || Record.Host is not { } host)
        {
            Record.DesiredState = VmState.Stopped;
            await SaveAsync(Record.State, Record.StatusMessage);
            return Snapshot();
        }

        var previous = Record.State;
        Record.DesiredState = VmState.Stopped;
        await SaveAsync(VmState.Stopping, null);
        try
        {
            await Agent(host).StopGuestAsync(VmId, Record.Epoch);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            await SaveAsync(previous, $"stop failed: host {host} unreachable");
            throw new HostUnreachableException(host, Describe(e));
        }

        await SaveAsync(VmState.Stopped, null);
        LogStopped(VmId, host, Record.Epoch);
        await AppendAsync(EventKinds.VmStopped, $"stopped on {host}");
        return Snapshot();
    }

    public async Task<VmFailoverOutcome> FailOverAsync(HostId deadHost)
    {
        await SettleMigrationAsync(deadHost);
        if (!Record.Exists || Record.Host != deadHost)
        {
            return new VmFailoverOutcome(VmId, VmFailoverResult.NotOnHost, Record.Host, Record.Epoch, "no longer on the dead host");
        }

        return await RestartAwayFromAsync(deadHost, $"host {deadHost} is down");
    }

    public async Task GuestLostAsync(HostId host)
    {
        // Starting: a move committed but could not run its copy there (see FinishAsync); anything else waits in a call.
        if (!Record.Exists || Record.Host != host || Record.Migration is not null
            || Record.State is not (VmState.Running or VmState.Starting) || Record.DesiredState != VmState.Running
            || _time.GetUtcNow() - Record.UpdatedAt < _guestLostGrace)
        {
            return; // not expected to run there (stopped, moving, just started): nothing is lost
        }

        LogGuestLost(VmId, host, Record.Epoch);
        await RestartAwayFromAsync(host, $"its copy on {host} is gone");
    }

    /// <summary>
    /// Restarts a guest whose copy on <paramref name="host"/> no longer runs (the host is fenced, or the copy vanished):
    /// releases the host's capacity, raises the epoch so any command from before is stale, and places the guest again.
    /// </summary>
    private async Task<VmFailoverOutcome> RestartAwayFromAsync(HostId host, string why)
    {
        var deadHost = host;
        if (Spec.RestartPriority == RestartPriority.Disabled)
        {
            await SaveAsync(VmState.Failed, $"{why}; restart priority is disabled");
            return new VmFailoverOutcome(VmId, VmFailoverResult.Skipped, deadHost, Record.Epoch, "restart priority disabled");
        }

        await GrainFactory.GetGrain<IHostGrain>(deadHost.Value).ReleaseAsync(VmId);
        Record.Host = null;
        Record.Epoch++;
        var start = Record.DesiredState == VmState.Running;
        try
        {
            await PlaceAsync(start, creating: false);
        }
        catch (InsufficientCapacityException e)
        {
            await SaveAsync(VmState.Pending, $"{why}; waiting for capacity: {e.Message}");
            LogFailoverPending(VmId, deadHost, e.Message);
            await AppendAsync(EventKinds.VmPending, $"{why}; pending: {e.Message}");
            return new VmFailoverOutcome(VmId, VmFailoverResult.Pending, null, Record.Epoch, e.Message);
        }

        LogFailedOver(VmId, deadHost, Record.Host!.Value, Record.Epoch);
        await AppendAsync(EventKinds.VmFailedOver, $"{why}; restarted on {Record.Host}");
        return new VmFailoverOutcome(VmId, VmFailoverResult.Restarted, Record.Host, Record.Epoch, null);
    }

    public async Task RetryPendingAsync()
    {
        if (!Record.Exists || Record.State != VmState.Pending || Record.Host is not null)
        {
            return;
        }

        try
        {
            await PlaceAsync(start: Record.DesiredState == VmState.Running, creating: false);
        }
        catch (InsufficientCapacityException e)
        {
            await SaveAsync(VmState.Pending, $"waiting for capacity: {e.Message}");
        }
    }

    public async Task DeleteAsync()
    {
        EnsureExists();
        EnsureNoOperation();
        var epoch = Record.Epoch;
        // Its host stops the guest and deletes its disks. A guest on no host may still have disks (it ran before a
        // failover found no room): any Up host reaches the shared storage.
        var deleter = Record.Host ?? (await ReadHostsAsync()).FirstOrDefault(h => h.Status == HostStatus.Up)?.HostId;
        if (deleter is { } agent)
        {
            try
            {
                await Agent(agent).DeleteGuestAsync(VmId, GuestSpec(), epoch);
            }
            catch (Exception e) when (IsUnreachable(e))
            {
                // A guest that may run there cannot be deleted unseen; a stopped one can, its disks left behind.
                if (Record.Host is not null && Record.State is not (VmState.Stopped or VmState.Pending))
                {
                    throw new HostUnreachableException(agent, $"cannot stop vm {VmId} before deleting it: {Describe(e)}");
                }

                LogDisksLeftBehind(VmId, agent, Describe(e));
            }
        }

        if (Record.Host is { } host)
        {
            await GrainFactory.GetGrain<IHostGrain>(host.Value).ReleaseAsync(VmId);
        }

        await ForgetAsync();
        LogDeleted(VmId);
        await _events.AppendAsync(ClusterEvent.ForVm(EventKinds.VmDeleted, VmId, null, epoch, "deleted"));
    }

    /// <summary>
    /// Ranks the hosts, then reserves on the best one that accepts; a host that refuses or whose agent cannot start
    /// the guest is released and the next candidate tried. Each attempt raises the epoch, so a start that timed out
    /// on an earlier host can never be confused with the current copy. A requested target host binds only the
    /// first placement (like a boot-time host hint): a guest failing over or retrying may go anywhere that fits.
    /// </summary>
    private async Task PlaceAsync(bool start, bool creating)
    {
        var hosts = await ReadHostsAsync();
        if (creating)
        {
            VmSpecValidator.ValidateAgainstLargestHost(Spec, hosts);
        }

        var spec = creating ? Spec : Spec with { TargetHost = null };
        var decision = _scheduler.Place(new PlacementRequest(VmId, spec, hosts));
        var refusals = decision.Rejections.ToList();
        foreach (var hostId in decision.Candidates)
        {
            var host = GrainFactory.GetGrain<IHostGrain>(hostId.Value);
            var reservation = await host.TryReserveAsync(new Reservation(VmId, Spec.Resources, Spec.AntiAffinityGroup));
            if (!reservation.Granted)
            {
                refusals.Add(new PlacementRejection(hostId, "reservation", reservation.RefusalReason!));
                continue;
            }

            Record.Host = hostId;
            Record.Epoch++;
            Record.Exists = true;
            if (!start)
            {
                await SaveAsync(VmState.Stopped, null);
                return;
            }

            // Saved before the start, outside the undo below: a stale activation learns it here (a version conflict),
            // before it could start or stop a copy at an epoch another activation also holds; the reservation it was
            // granted may be that activation's, so it is kept.
            try
            {
                await SaveAsync(VmState.Starting, null);
            }
            catch (Exception e) when (e is not InconsistentStateException)
            {
                await host.ReleaseAsync(VmId); // nothing started
                throw;
            }

            try
            {
                await Agent(hostId).StartGuestAsync(VmId, GuestSpec(), Record.Epoch);
                await SaveAsync(VmState.Running, null);
            }
            catch (Exception e) when (IsUnreachable(e))
            {
                LogPlacementAttemptFailed(VmId, hostId, Describe(e));
                refusals.Add(new PlacementRejection(hostId, "start", $"agent unreachable ({Describe(e)})"));
                await host.ReleaseAsync(VmId);
                Record.Host = null;
                continue;
            }
            catch
            {
                // Any other failure after the reservation: undo it, and stop the guest in case it did start.
                await UndoPlacementAsync(hostId);
                throw;
            }

            LogPlaced(VmId, hostId, Record.Epoch);
            return;
        }

        throw new InsufficientCapacityException(
            new PlacementDecision([], refusals).Explain(VmId, Spec.Resources));
    }

    private Task AppendAsync(string kind, string detail) =>
        _events.AppendAsync(ClusterEvent.ForVm(kind, VmId, Record.Host, Record.Epoch, detail));

    private async Task UndoPlacementAsync(HostId hostId)
    {
        try
        {
            await Agent(hostId).StopGuestAsync(VmId, Record.Epoch);
        }
        catch (Exception e) when (IsUnreachable(e) || e is HostGridException)
        {
            // unreachable or refused: the host's agent fences or reconciles it
        }

        await GrainFactory.GetGrain<IHostGrain>(hostId.Value).ReleaseAsync(VmId);
        Record.Host = null;
    }

    private async Task<IReadOnlyList<HostSnapshot>> ReadHostsAsync()
    {
        var ids = await Inventory.ListHostsAsync();
        return await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IHostGrain>(id.Value).GetSnapshotAsync()));
    }

    private async Task SaveAsync(VmState state, string? message)
    {
        Record.State = state;
        Record.StatusMessage = message;
        Record.UpdatedAt = _time.GetUtcNow();
        await _record.WriteStateAsync();
        await Inventory.UpsertVmAsync(new VmSummary(VmId, Record.Host, state, Spec.Labels));
    }

    private async Task ForgetAsync()
    {
        if (_record.RecordExists)
        {
            await Inventory.RemoveVmAsync(VmId);
            await _record.ClearStateAsync();
        }

        _record.State = new VmRecord();
        DeactivateOnIdle();
    }

    private void EnsureExists()
    {
        if (!Record.Exists)
        {
            throw new VmNotFoundException(VmId);
        }
    }

    private IHostAgentGrain Agent(HostId host) => GrainFactory.GetGrain<IHostAgentGrain>(host.Value);

    private GuestSpec GuestSpec() => new(Spec.Resources, Spec.Labels, Record.CreatedAt.ToUnixTimeMilliseconds());

    private VmSnapshot Snapshot() => new(
        VmId, Spec, Record.DesiredState, Record.State, Record.Host, Record.Epoch, Record.StatusMessage, Record.CreatedAt, Record.UpdatedAt);

    /// <summary>Failures that mean "the agent could not be reached or did not answer", as opposed to a refusal.</summary>
    private static bool IsUnreachable(Exception e) =>
        e is HostUnreachableException or SiloUnavailableException or TimeoutException or OrleansMessageRejectionException
        || e.InnerException is { } inner && IsUnreachable(inner);

    private static string Describe(Exception e) => e is HostGridException ? e.Message : e.GetType().Name + ": " + e.Message;
}
