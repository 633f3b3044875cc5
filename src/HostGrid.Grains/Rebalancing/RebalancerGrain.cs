using HostGrid.Contracts.Cluster;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Events;
using HostGrid.Contracts.Migration;
using HostGrid.Contracts.Rebalancing;
using HostGrid.Core.Rebalancing;
using HostGrid.Grains.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostGrid.Grains.Rebalancing;

/// <summary>
/// The cluster's load balancer. Reads every host's capacity and its guests' measured load, asks
/// <see cref="RebalancePlanner"/> for moves, and runs a plan as one operation, <see cref="RebalancerOptions.MaxConcurrentMigrations"/>
/// migrations at a time, planning again (a bounded number of times) when the cluster changed under it. In automatic modes
/// a timer samples the imbalance every <see cref="RebalancerOptions.Interval"/> and <see cref="RebalanceTrigger"/> decides;
/// a reminder brings the grain back after a silo loss, and a pass in progress resumes from its persisted state.
/// </summary>
public sealed partial class RebalancerGrain : Grain, IRebalancerGrain, IRemindable
{
    private const string KeepAliveReminder = "keep-alive";
    private const int MaxReplans = 3;
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PassTimeout = TimeSpan.FromHours(1);

    private readonly IPersistentState<RebalancerState> _state;
    private readonly RebalancerOptions _options;
    private readonly TimeProvider _time;
    private readonly IEventLog _events;
    private readonly ILogger<RebalancerGrain> _logger;
    private Task? _run;

    public RebalancerGrain(
        [PersistentState("rebalancer", HostGridStorage.ProviderName)] IPersistentState<RebalancerState> state,
        IOptions<RebalancerOptions> options,
        TimeProvider time,
        IEventLog events,
        ILogger<RebalancerGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _time = time;
        _events = events;
        _logger = logger;
    }

    private RebalancerState State => _state.State;

    private RebalanceMode Mode => State.Mode ?? _options.Mode;

    /// <summary>The configured options with the mode in force.</summary>
    private RebalancerOptions Options => _options.WithMode(Mode);

    private IInventoryGrain Inventory => GrainFactory.GetGrain<IInventoryGrain>(IInventoryGrain.Key);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(_options.Interval, _options.Interval) { Interleave = false });
        await this.RegisterOrUpdateReminder(KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), cancellationToken);
        if (State.Pass is not null)
        {
            _run = RunPassAsync();
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Pass is not null && _run is null or { IsCompleted: true })
        {
            _run = RunPassAsync();
        }

        return Task.CompletedTask;
    }

    public async Task<RebalancePlan> PlanAsync() => RebalancePlanner.Plan(await ReadSnapshotAsync(), Options);

    public async Task<OperationSnapshot> ApplyAsync()
    {
        if (State.Pass is { } running)
        {
            throw new OperationInProgressException("the rebalancer", running.OperationId);
        }

        return await StartPassAsync(RebalancePlanner.Plan(await ReadSnapshotAsync(), Options));
    }

    public async Task<RebalancerStatus> GetStatusAsync()
    {
        var snapshot = await ReadSnapshotAsync();
        return new RebalancerStatus(
            Mode,
            _options.Aggressiveness,
            ImbalanceMetric.Imbalance(snapshot, _options),
            _options.EffectiveTargetImbalance,
            State.Pass?.OperationId,
            State.LastPassAt,
            State.AboveSince,
            State.Recommendation,
            State.RecommendedAt);
    }

    public async Task<RebalancerStatus> SetModeAsync(RebalanceMode mode)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new InvalidSpecException("mode", $"unknown rebalancer mode {mode}");
        }

        State.Mode = mode;
        await _state.WriteStateAsync();
        LogModeChanged(mode);
        return await GetStatusAsync();
    }

    public Task CancelAsync(string operationId)
    {
        if (State.Pass?.OperationId != operationId)
        {
            throw new InvalidStateException($"operation {operationId} is not the rebalance pass running");
        }

        State.Pass.CancelRequested = true;
        return Task.CompletedTask;
    }

    /// <summary>Automatic modes: sample the imbalance, let the trigger decide (sustained window, pass spacing), act on it.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (Mode == RebalanceMode.Off)
        {
            return;
        }

        var snapshot = await ReadSnapshotAsync();
        var options = Options;
        var sample = new ImbalanceSample(snapshot.Now, ImbalanceMetric.Imbalance(snapshot, options));
        var decision = RebalanceTrigger.Observe(new RebalanceTriggerState(State.AboveSince, State.LastSampleAt, State.LastPassAt), sample, options);
        (State.AboveSince, State.LastSampleAt, State.LastPassAt) = (decision.State.AboveSince, decision.State.LastSampleAt, decision.State.LastPassAt);
        if (decision.Action == RebalanceAction.None)
        {
            await _state.WriteStateAsync(cancellationToken);
            return;
        }

        var plan = RebalancePlanner.Plan(snapshot, options);
        LogTriggered(decision.Action, sample.Imbalance, decision.Reason, plan.Moves.Count);
        if (decision.Action == RebalanceAction.Apply && State.Pass is null && plan.Moves.Count > 0)
        {
            await StartPassAsync(plan);
            return;
        }

        State.Recommendation = plan;
        State.RecommendedAt = snapshot.Now;
        await _state.WriteStateAsync(cancellationToken);
    }

    private async Task<OperationSnapshot> StartPassAsync(RebalancePlan plan)
    {
        var now = _time.GetUtcNow();
        var pass = new RebalancePass { OperationId = $"rebalance-{now.ToUnixTimeMilliseconds()}", Plan = plan, StartedAt = now, Pending = plan.Moves.ToList() };
        if (plan.Moves.Count == 0)
        {
            // Nothing to move: an operation that has already succeeded, so callers need not follow it.
            var done = Snapshot(pass, OperationState.Succeeded, PlanSummary(plan), plan.ImbalanceBefore);
            await Operation(pass).SaveAsync(done);
            return done;
        }

        State.Pass = pass;
        State.LastPassAt = now;
        await _state.WriteStateAsync();
        var snapshot = Snapshot(pass, OperationState.Running, PlanSummary(plan));
        await Operation(pass).SaveAsync(snapshot);
        LogPassStarted(pass.OperationId, plan.Moves.Count, plan.ImbalanceBefore, plan.ImbalanceAfter);
        _run = RunPassAsync();
        return snapshot;
    }

    /// <summary>One round every <see cref="PollPeriod"/>: collect finished migrations, start planned ones up to the bound, until none are left.</summary>
    private async Task RunPassAsync()
    {
        var pass = State.Pass!;
        var deadline = pass.StartedAt + PassTimeout;
        try
        {
            while (true)
            {
                DelayDeactivation(PassTimeout);
                var changed = await CollectFinishedAsync(pass);
                if (pass.CancelRequested || _time.GetUtcNow() > deadline)
                {
                    var outcome = pass.CancelRequested ? OperationState.Cancelled : OperationState.Failed;
                    await FinishAsync(pass, outcome, pass.CancelRequested ? "cancelled" : "timed out");
                    return;
                }

                if (pass.Pending.Count == 0 && pass.Active.Count == 0)
                {
                    await FinishAsync(pass, pass.Failed == 0 ? OperationState.Succeeded : OperationState.Failed, pass.LastFailure);
                    return;
                }

                while (pass.Active.Count < _options.MaxConcurrentMigrations && pass.Pending.Count > 0)
                {
                    await StartNextMoveAsync(pass);
                    changed = true;
                }

                if (changed)
                {
                    await _state.WriteStateAsync();
                    await Operation(pass).SaveAsync(Snapshot(pass, OperationState.Running, $"{pass.Moved} moved, {pass.Active.Count} moving, {pass.Pending.Count} to go"));
                }

                await Task.Delay(PollPeriod, _time);
            }
        }
        catch (Exception e)
        {
            // Storage or the cluster failed: the pass stays persisted and the reminder resumes it.
            LogPassStalled(pass.OperationId, e.Message);
        }
    }

    /// <summary>Starts the next planned move if it still applies; if the cluster moved under the plan, plans the rest again.</summary>
    private async Task StartNextMoveAsync(RebalancePass pass)
    {
        var move = pass.Pending[0];
        pass.Pending.RemoveAt(0);
        VmSnapshot vm;
        try
        {
            vm = await GrainFactory.GetGrain<IVmGrain>(move.VmId.Value).GetAsync();
        }
        catch (VmNotFoundException)
        {
            await ReplanAsync(pass, $"{move.VmId} was deleted");
            return;
        }

        if (vm.Host != move.From || vm.State != VmState.Running)
        {
            await ReplanAsync(pass, $"{move.VmId} is {vm.State} on {vm.Host} now");
            return;
        }

        try
        {
            var migration = await GrainFactory.GetGrain<IVmGrain>(move.VmId.Value).MigrateAsync(move.To);
            pass.Active[move.VmId] = migration.OperationId;
            pass.Migrations.Add(migration.OperationId);
        }
        catch (HostGridException e)
        {
            pass.Failed++;
            pass.LastFailure = $"{move.VmId} to {move.To}: {e.Message}";
            await ReplanAsync(pass, pass.LastFailure);
        }
    }

    private async Task ReplanAsync(RebalancePass pass, string why)
    {
        if (pass.Replans >= MaxReplans)
        {
            return;
        }

        pass.Replans++;
        var budget = Math.Max(0, _options.MaxMovesPerPass - pass.Moved - pass.Failed - pass.Active.Count);
        var active = pass.Active.Keys.ToHashSet();
        var plan = RebalancePlanner.Plan(await ReadSnapshotAsync(), Options);
        pass.Pending = plan.Moves.Where(m => !active.Contains(m.VmId)).Take(budget).ToList();
        LogReplanned(pass.OperationId, why, pass.Pending.Count);
    }

    private async Task<bool> CollectFinishedAsync(RebalancePass pass)
    {
        var changed = false;
        foreach (var (vm, operationId) in pass.Active.ToList())
        {
            var migration = await GrainFactory.GetGrain<IOperationGrain>(operationId).GetAsync();
            if (!migration.IsFinished)
            {
                continue;
            }

            pass.Active.Remove(vm);
            changed = true;
            if (migration.State == OperationState.Succeeded)
            {
                pass.Moved++;
                State.LastMoved[vm] = _time.GetUtcNow();
            }
            else
            {
                pass.Failed++;
                pass.LastFailure = $"{vm}: {migration.Message}";
            }
        }

        return changed;
    }

    private async Task FinishAsync(RebalancePass pass, OperationState outcome, string? why)
    {
        var now = await ReadSnapshotAsync();
        var imbalance = ImbalanceMetric.Imbalance(now, _options);
        var message = $"{pass.Moved} of {pass.Plan.Moves.Count} planned moves done, {pass.Failed} failed; imbalance {pass.Plan.ImbalanceBefore:F3} → {imbalance:F3}"
            + (why is null ? string.Empty : $"; {why}");
        await Operation(pass).SaveAsync(Snapshot(pass, outcome, message, imbalance));
        ForgetOldMoves(now.Now);
        State.Pass = null;
        await _state.WriteStateAsync();
        LogPassFinished(pass.OperationId, outcome, message);
        await _events.AppendAsync(new ClusterEvent(EventKinds.RebalanceCompleted, $"operations/{pass.OperationId}", null, null, null, $"rebalance {outcome}: {message}"));
    }

    private void ForgetOldMoves(DateTimeOffset now)
    {
        foreach (var (vm, at) in State.LastMoved.ToList())
        {
            if (now - at > _options.VmCooldown * 2)
            {
                State.LastMoved.Remove(vm);
            }
        }
    }

    /// <summary>
    /// Every host with its capacity and reservations, and every guest where it runs with its measured load (from the
    /// host's last heartbeat). A guest being migrated, stopped or pinned is not movable; its reservations still count.
    /// </summary>
    private async Task<RebalanceSnapshot> ReadSnapshotAsync()
    {
        var ids = await Inventory.ListHostsAsync();
        var hosts = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IHostGrain>(id.Value).GetSnapshotAsync()));
        var loads = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IHostGrain>(id.Value).GetGuestLoadsAsync()));
        var vms = (await Task.WhenAll(hosts.SelectMany(h => h.Reservations).Select(r => r.VmId).Distinct().Select(ReadVmAsync)))
            .OfType<VmSnapshot>()
            .ToDictionary(v => v.VmId);
        var guests = new List<RebalanceGuest>();
        for (var i = 0; i < hosts.Length; i++)
        {
            var measured = loads[i].Where(g => g.Running).ToDictionary(g => g.VmId);
            foreach (var reservation in hosts[i].Reservations)
            {
                // A guest holds a second reservation on its migration's target: count it where it runs.
                if (!vms.TryGetValue(reservation.VmId, out var vm) || vm.Host != hosts[i].HostId)
                {
                    continue;
                }

                var load = measured.GetValueOrDefault(reservation.VmId);
                guests.Add(new RebalanceGuest(
                    reservation.VmId,
                    hosts[i].HostId,
                    reservation.Resources,
                    load?.CpuDemand ?? 0,
                    load?.MemoryUsedMib ?? 0,
                    reservation.AntiAffinityGroup,
                    Migratable: vm.Spec.Migratable && vm.State == VmState.Running,
                    LastMovedAt: State.LastMoved.TryGetValue(reservation.VmId, out var moved) ? moved : null));
            }
        }

        return new RebalanceSnapshot(hosts.Select(RebalanceHost.From).ToList(), guests, _time.GetUtcNow());
    }

    private async Task<VmSnapshot?> ReadVmAsync(VmId vmId)
    {
        try
        {
            return await GrainFactory.GetGrain<IVmGrain>(vmId.Value).GetAsync();
        }
        catch (VmNotFoundException)
        {
            return null;
        }
    }

    private IOperationGrain Operation(RebalancePass pass) => GrainFactory.GetGrain<IOperationGrain>(pass.OperationId);

    private static string PlanSummary(RebalancePlan plan) =>
        plan.Moves.Count == 0
            ? $"nothing to move: imbalance {plan.ImbalanceBefore:F3}, target {plan.TargetImbalance:F3}{(plan.WhyNoMoves is null ? string.Empty : $" ({plan.WhyNoMoves})")}"
            : $"{plan.Moves.Count} moves, {plan.MemoryMibMoved} MiB: imbalance {plan.ImbalanceBefore:F3} → {plan.ImbalanceAfter:F3} (target {plan.TargetImbalance:F3})";

    private OperationSnapshot Snapshot(RebalancePass pass, OperationState state, string? message, double? imbalanceNow = null)
    {
        var now = _time.GetUtcNow();
        return new OperationSnapshot(
            pass.OperationId,
            OperationKind.Rebalance,
            state,
            null,
            null,
            null,
            state == OperationState.Running ? MigrationPhase.PreCopy : MigrationPhase.Done,
            null,
            null,
            message,
            pass.StartedAt,
            now,
            state == OperationState.Running ? null : now,
            null,
            pass.CancelRequested,
            new RebalanceProgress(pass.Plan, pass.Moved, pass.Failed, pass.Migrations.ToList(), imbalanceNow));
    }
}
