using HostGrid.Contracts.Cluster;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Events;
using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Grains.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostGrid.Grains.Maintenance;

/// <summary>
/// Puts a host into maintenance and drains it: every guest on it migrates off, <see cref="MigrationOptions.DrainParallelism"/>
/// at a time, each retried up to <see cref="AttemptsPerGuest"/> times. The drain runs in the background of this
/// activation; its state is persisted at every change and a reminder brings it back after a silo loss.
/// </summary>
public sealed partial class MaintenanceGrain : Grain, IMaintenanceGrain, IRemindable
{
    public const int AttemptsPerGuest = 3;
    private const string DrainReminder = "drain";
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromHours(1);

    private readonly IPersistentState<DrainState> _state;
    private readonly MigrationOptions _options;
    private readonly TimeProvider _time;
    private readonly IEventLog _events;
    private readonly ILogger<MaintenanceGrain> _logger;
    private Task? _run;

    public MaintenanceGrain(
        [PersistentState("drain", HostGridStorage.ProviderName)] IPersistentState<DrainState> state,
        IOptions<MigrationOptions> options,
        TimeProvider time,
        IEventLog events,
        ILogger<MaintenanceGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _time = time;
        _events = events;
        _logger = logger;
    }

    private HostId HostId => new(this.GetPrimaryKeyString());

    private DrainState Drain => _state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Drain.OperationId is not null)
        {
            _run = RunAsync();
        }

        return Task.CompletedTask;
    }

    public async Task<OperationSnapshot> EnterAsync()
    {
        await GrainFactory.GetGrain<IHostGrain>(HostId.Value).SetMaintenanceAsync(true);
        if (Drain.OperationId is not null)
        {
            return Snapshot(OperationState.Running, "draining");
        }

        var now = _time.GetUtcNow();
        var guests = await GuestsHereAsync();
        _state.State = new DrainState { OperationId = $"drain-{HostId}-{now.ToUnixTimeMilliseconds()}", StartedAt = now, Total = guests.Count };
        await _state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(DrainReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        var snapshot = Snapshot(OperationState.Running, $"draining {guests.Count} guests");
        await Operation.SaveAsync(snapshot);
        LogDrainStarted(HostId, Drain.OperationId!, guests.Count);
        await _events.AppendAsync(ClusterEvent.ForHost(EventKinds.HostMaintenance, HostId, $"entered maintenance; draining {guests.Count} guests"));
        _run = RunAsync();
        return snapshot;
    }

    public async Task ExitAsync()
    {
        if (Drain.OperationId is not null)
        {
            Drain.CancelRequested = true;
            if (_run is { IsCompleted: false } run)
            {
                await run;
            }
        }

        await GrainFactory.GetGrain<IHostGrain>(HostId.Value).SetMaintenanceAsync(false);
        await _events.AppendAsync(ClusterEvent.ForHost(EventKinds.HostMaintenance, HostId, "left maintenance"));
    }

    public Task CancelDrainAsync(string operationId)
    {
        if (Drain.OperationId != operationId)
        {
            throw new InvalidStateException($"operation {operationId} is not running on host {HostId}");
        }

        Drain.CancelRequested = true;
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Drain.OperationId is null)
        {
            return UnregisterAsync();
        }

        if (_run is null or { IsCompleted: true })
        {
            _run = RunAsync();
        }

        return Task.CompletedTask;
    }

    private IOperationGrain Operation => GrainFactory.GetGrain<IOperationGrain>(Drain.OperationId!);

    /// <summary>One pass every <see cref="PollPeriod"/>: collect finished migrations, start new ones up to the bound, until the host is empty.</summary>
    private async Task RunAsync()
    {
        var deadline = Drain.StartedAt + DrainTimeout;
        try
        {
            while (true)
            {
                DelayDeactivation(DrainTimeout);
                var changed = await CollectFinishedAsync();
                var guests = await GuestsHereAsync();
                var movable = guests.Where(g => !Drain.Active.ContainsKey(g) && Drain.Failures.GetValueOrDefault(g) < AttemptsPerGuest).ToList();
                if (Drain.CancelRequested)
                {
                    await FinishAsync(OperationState.Cancelled, $"cancelled; {Drain.Moved} of {Drain.Total} guests moved");
                    return;
                }

                if (guests.Count == 0)
                {
                    await FinishAsync(OperationState.Succeeded, $"{Drain.Moved} guests moved; host is empty");
                    return;
                }

                if (Drain.Active.Count == 0 && movable.Count == 0 || _time.GetUtcNow() > deadline)
                {
                    await FinishAsync(OperationState.Failed, $"{guests.Count} guests could not move: {Drain.LastFailure}");
                    return;
                }

                foreach (var vm in movable.Take(_options.DrainParallelism - Drain.Active.Count))
                {
                    await StartMigrationAsync(vm);
                    changed = true;
                }

                if (changed)
                {
                    await _state.WriteStateAsync();
                    await Operation.SaveAsync(Snapshot(OperationState.Running, $"draining: {Drain.Moved} of {Drain.Total} moved, {Drain.Active.Count} moving"));
                }

                await Task.Delay(PollPeriod, _time);
            }
        }
        catch (Exception e)
        {
            // Storage or the cluster failed: the persisted state stays, the reminder resumes the drain.
            LogDrainStalled(HostId, Drain.OperationId ?? "?", e.Message);
        }
    }

    private async Task StartMigrationAsync(VmId vm)
    {
        try
        {
            var operation = await GrainFactory.GetGrain<IVmGrain>(vm.Value).MigrateAsync(null);
            Drain.Active[vm] = operation.OperationId;
            Drain.Migrations.Add(operation.OperationId);
        }
        catch (OperationInProgressException e)
        {
            Drain.Active[vm] = e.OperationId; // someone else's migration (or ours, before a crash): wait for it
        }
        catch (HostGridException e)
        {
            Drain.Failures[vm] = Drain.Failures.GetValueOrDefault(vm) + 1;
            Drain.LastFailure = $"{vm}: {e.Message}";
            LogDrainMigrationFailed(HostId, vm, e.Message);
        }
    }

    private async Task<bool> CollectFinishedAsync()
    {
        var changed = false;
        foreach (var (vm, operationId) in Drain.Active.ToList())
        {
            var operation = await GrainFactory.GetGrain<IOperationGrain>(operationId).GetAsync();
            if (!operation.IsFinished)
            {
                continue;
            }

            Drain.Active.Remove(vm);
            changed = true;
            if (operation.State == OperationState.Succeeded)
            {
                Drain.Moved++;
            }
            else
            {
                Drain.Failures[vm] = Drain.Failures.GetValueOrDefault(vm) + 1;
                Drain.LastFailure = $"{vm}: {operation.Message}";
                LogDrainMigrationFailed(HostId, vm, operation.Message ?? operation.State.ToString());
            }
        }

        return changed;
    }

    private async Task FinishAsync(OperationState outcome, string message)
    {
        var snapshot = Snapshot(outcome, message);
        await Operation.SaveAsync(snapshot);
        LogDrainFinished(HostId, Drain.OperationId!, outcome, message);
        await _events.AppendAsync(ClusterEvent.ForHost(EventKinds.DrainCompleted, HostId, $"drain {outcome}: {message}"));
        _state.State = new DrainState();
        await _state.WriteStateAsync();
        await UnregisterAsync();
    }

    private async Task<List<VmId>> GuestsHereAsync()
    {
        var vms = await GrainFactory.GetGrain<IInventoryGrain>(IInventoryGrain.Key).ListVmsAsync();
        return vms.Where(v => v.Host == HostId).Select(v => v.VmId).ToList();
    }

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(DrainReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private OperationSnapshot Snapshot(OperationState state, string message)
    {
        var now = _time.GetUtcNow();
        return new OperationSnapshot(
            Drain.OperationId!,
            OperationKind.Drain,
            state,
            null,
            HostId,
            null,
            state == OperationState.Running ? MigrationPhase.PreCopy : MigrationPhase.Done,
            null,
            null,
            message,
            Drain.StartedAt,
            now,
            state == OperationState.Running ? null : now,
            new DrainProgress(Drain.Total, Drain.Moved, Drain.Failures.Count(f => f.Value >= AttemptsPerGuest), Drain.Migrations.ToList()),
            Drain.CancelRequested);
    }
}
