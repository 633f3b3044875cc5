using HostGrid.Contracts.Events;
using HostGrid.Contracts.Failover;
using HostGrid.Grains.Events;
using HostGrid.Core.Failover;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostGrid.Grains.Failover;

/// <summary>
/// One dead host's failover: wait until the host has surely fenced itself, then restart its guests on the
/// survivors by priority with bounded parallelism. Persisted at each step, so the coordinator's re-kick after a
/// crash resumes where it stopped.
/// </summary>
public sealed partial class FailoverGrain : Grain, IFailoverGrain
{
    private readonly IPersistentState<FailoverState> _state;
    private readonly IAgentLeases _leases;
    private readonly FailoverOptions _options;
    private readonly TimeProvider _time;
    private readonly IEventLog _events;
    private readonly ILogger<FailoverGrain> _logger;
    private bool _awaitingLeaseLogged;

    public FailoverGrain(
        [PersistentState("failover", HostGridStorage.ProviderName)] IPersistentState<FailoverState> state,
        IAgentLeases leases,
        IOptions<FailoverOptions> options,
        TimeProvider time,
        IEventLog events,
        ILogger<FailoverGrain> logger)
    {
        _events = events;
        _state = state;
        _leases = leases;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    private FailoverState State => _state.State;

    public async Task RunAsync(HostId host, FailureCause cause, DateTimeOffset lastHeartbeat, DateTimeOffset declaredAt, string? agent)
    {
        try
        {
            await BeginAsync(host, cause, lastHeartbeat, declaredAt, agent);
            await RunAsync();
        }
        catch (Exception e)
        {
            // The coordinator calls again shortly; the persisted phase says where to resume.
            LogFailed(e, host, this.GetPrimaryKeyString());
        }
    }

    private async Task BeginAsync(HostId host, FailureCause cause, DateTimeOffset lastHeartbeat, DateTimeOffset declaredAt, string? agent)
    {
        if (State.Begun)
        {
            return;
        }

        State.Begun = true;
        State.Host = host;
        State.Agent = agent;
        State.Cause = cause;
        State.LastHeartbeat = lastHeartbeat;
        State.DeclaredAt = declaredAt;
        State.FenceAt = FailureDetector.FenceAt(cause, lastHeartbeat, declaredAt, _options);
        State.Phase = FailoverPhase.AwaitingFence;
        await _state.WriteStateAsync();
        LogPhase(host, this.GetPrimaryKeyString(), State.Phase);
    }

    private async Task RunAsync()
    {
        if (State.Phase == FailoverPhase.Completed)
        {
            return;
        }

        if (State.Phase == FailoverPhase.Withdrawn)
        {
            // Kicked again: the coordinator has not applied the withdrawal yet (or must replace it); tell it again.
            await Coordinator.WithdrawalDecidedAsync(State.Host, this.GetPrimaryKeyString(), withdrawn: true);
            return;
        }

        if (State.Phase == FailoverPhase.AwaitingFence)
        {
            await GrainFactory.GetGrain<IHostGrain>(State.Host.Value).SetDownAsync(true);
            if (!await FencedAsync())
            {
                return; // its agent still renews its lease, so it still runs its guests: the coordinator asks again
            }

            await EnterAsync(FailoverPhase.Restarting);
        }

        if (State.Phase == FailoverPhase.Restarting)
        {
            await RestartGuestsAsync();
            State.CompletedAt = _time.GetUtcNow();
            await EnterAsync(FailoverPhase.Completed);
            var restarted = State.Outcomes.Values.Count(o => o.Result == VmFailoverResult.Restarted);
            var pending = State.Outcomes.Values.Count(o => o.Result == VmFailoverResult.Pending);
            await _events.AppendAsync(ClusterEvent.ForHost(
                EventKinds.FailoverCompleted,
                State.Host,
                $"failover {this.GetPrimaryKeyString()} completed in {(State.CompletedAt.Value - State.DeclaredAt).TotalSeconds:F1} s: {restarted} restarted, {pending} pending"));
        }

        await Coordinator.FailoverCompletedAsync(State.Host, this.GetPrimaryKeyString());
    }

    private IFailoverCoordinatorGrain Coordinator => GrainFactory.GetGrain<IFailoverCoordinatorGrain>(IFailoverCoordinatorGrain.Key);

    /// <summary>
    /// Waits until the host has surely fenced itself: the coordinator's deadline (from its last acknowledgement) and then
    /// the agent's lease in the database. An agent that still renews its lease reaches the database but not the
    /// coordinator: it does not fence itself, so its guests stay there, and this returns false rather than wait on
    /// (a run stays short; the coordinator calls again every couple of seconds). An agent that reported it fenced itself
    /// has no lease to wait for.
    /// </summary>
    private async Task<bool> FencedAsync()
    {
        var wait = State.FenceAt - _time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time);
        }

        if (State.Cause == FailureCause.FencedItself || State.Agent is not { } agent)
        {
            return true;
        }

        // A dead agent's last renewal may come up to a heartbeat after its last acknowledgement; a live one renews again.
        for (var check = 1; ; check++)
        {
            var leaseWait = FailureDetector.LeaseWait(await _leases.SinceRenewedAsync(State.Host, agent, CancellationToken.None), _options);
            if (leaseWait <= TimeSpan.Zero)
            {
                return true;
            }

            if (check > 1 || leaseWait > _options.HeartbeatInterval + _options.FenceMargin)
            {
                if (!_awaitingLeaseLogged)
                {
                    _awaitingLeaseLogged = true;
                    LogAwaitingLease(State.Host, this.GetPrimaryKeyString(), agent);
                }

                return false;
            }

            await Task.Delay(leaseWait, _time);
        }
    }

    public async Task WithdrawAsync()
    {
        if (!State.Begun)
        {
            return;
        }

        var withdrawn = State.Phase is FailoverPhase.AwaitingFence or FailoverPhase.Withdrawn;
        if (State.Phase == FailoverPhase.AwaitingFence)
        {
            State.CompletedAt = _time.GetUtcNow();
            await EnterAsync(FailoverPhase.Withdrawn);
        }

        await Coordinator.WithdrawalDecidedAsync(State.Host, this.GetPrimaryKeyString(), withdrawn);
    }

    public Task<FailoverSnapshot?> GetAsync() => Task.FromResult(State.Begun
        ? new FailoverSnapshot(
            this.GetPrimaryKeyString(),
            State.Host,
            State.Cause,
            State.Phase,
            State.LastHeartbeat,
            State.DeclaredAt,
            State.FenceAt,
            State.CompletedAt,
            State.Outcomes.Values.OrderBy(o => o.VmId.Value, StringComparer.Ordinal).ToList())
        : null);

    private async Task RestartGuestsAsync()
    {
        var host = await GrainFactory.GetGrain<IHostGrain>(State.Host.Value).GetSnapshotAsync();
        var remaining = host.Reservations.Where(r => !State.Outcomes.ContainsKey(r.VmId)).Select(r => r.VmId).ToList();
        var guests = await Task.WhenAll(remaining.Select(id => GrainFactory.GetGrain<IVmGrain>(id.Value).GetAsync()));
        var ordered = FailureDetector.RestartOrder(guests, g => g.Spec.RestartPriority, g => g.VmId.Value);
        foreach (var skipped in guests.Except(ordered))
        {
            await RecordAsync(await GrainFactory.GetGrain<IVmGrain>(skipped.VmId.Value).FailOverAsync(State.Host));
        }

        // Priority classes in order; within one, bounded parallelism.
        foreach (var batch in ordered.Chunk(_options.RestartParallelism))
        {
            var outcomes = await Task.WhenAll(batch.Select(g => GrainFactory.GetGrain<IVmGrain>(g.VmId.Value).FailOverAsync(State.Host)));
            foreach (var outcome in outcomes)
            {
                State.Outcomes[outcome.VmId] = outcome;
            }

            await _state.WriteStateAsync();
        }
    }

    private async Task RecordAsync(VmFailoverOutcome outcome)
    {
        State.Outcomes[outcome.VmId] = outcome;
        await _state.WriteStateAsync();
    }

    private async Task EnterAsync(FailoverPhase phase)
    {
        State.Phase = phase;
        await _state.WriteStateAsync();
        LogPhase(State.Host, this.GetPrimaryKeyString(), phase);
    }
}
