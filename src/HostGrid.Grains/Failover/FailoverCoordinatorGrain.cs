using HostGrid.Contracts.Cluster;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Events;
using HostGrid.Contracts.Failover;
using HostGrid.Grains.Events;
using HostGrid.Core.Failover;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace HostGrid.Grains.Failover;

/// <summary>
/// Failure detector and failover coordinator. Heartbeat times live in memory; after a move to another silo every
/// host counts as just heard from, which only delays detection. Acknowledgements are bounded by a lease in storage
/// (<see cref="CoordinatorState.AckHorizon"/>): an activation acknowledges only until the horizon it has persisted,
/// and its successor counts every fence from no earlier than that horizon — so an old activation that is cut off but
/// still acknowledges its own silo's agent can never make a restart come before that agent fences. Declarations of Down
/// and the hosts' agent silos are persisted. A reminder brings it back if no agent calls it.
/// Every call it makes to another grain is bounded by <see cref="CallBound"/>: agents' isolation timers run while
/// it waits, so it must never hang on a grain whose silo is hung.
/// </summary>
public sealed partial class FailoverCoordinatorGrain : Grain, IFailoverCoordinatorGrain, IRemindable
{
    public const int HistoryLength = 50;
    private static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RunRetryPeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PendingRetryPeriod = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(1);

    /// <summary>How far ahead each renewal of the acknowledgement lease reaches; it is renewed when less than <see cref="AckLeaseRenewBelow"/> is left.</summary>
    private static readonly TimeSpan AckLease = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan AckLeaseRenewBelow = TimeSpan.FromSeconds(1);

    private readonly IPersistentState<CoordinatorState> _state;
    private readonly IClusterMembershipService _membership;
    private readonly FailoverOptions _options;
    private readonly TimeProvider _time;
    private readonly IEventLog _events;
    private readonly ILogger<FailoverCoordinatorGrain> _logger;
    private readonly Dictionary<HostId, (DateTimeOffset LastAck, bool HypervisorHealthy)> _liveness = [];
    private DateTimeOffset _nextRunRetry;
    private DateTimeOffset _nextPendingRetry;
    private DateTimeOffset _ackHorizon;
    private DateTimeOffset _previousHorizon;

    public FailoverCoordinatorGrain(
        [PersistentState("coordinator", HostGridStorage.ProviderName)] IPersistentState<CoordinatorState> state,
        IClusterMembershipService membership,
        IOptions<FailoverOptions> options,
        TimeProvider time,
        IEventLog events,
        ILogger<FailoverCoordinatorGrain> logger)
    {
        _events = events;
        _state = state;
        _membership = membership;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    private Dictionary<HostId, CoordinatedHost> Hosts => _state.State.Hosts;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var known = await GrainFactory.GetGrain<IInventoryGrain>(IInventoryGrain.Key).ListHostsAsync().WaitAsync(CallBound * 5, cancellationToken);
        foreach (var host in known.Concat(Hosts.Keys).Distinct())
        {
            _liveness[host] = (now, true);
        }

        _nextRunRetry = now;
        _nextPendingRetry = now + PendingRetryPeriod;
        _previousHorizon = _state.State.AckHorizon;
        await RenewAckLeaseAsync(now);
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TickPeriod, TickPeriod) { Interleave = false });
        await this.RegisterOrUpdateReminder("keep-alive", KeepAlivePeriod, KeepAlivePeriod, cancellationToken);
        LogActivated(_liveness.Count);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public async Task<HeartbeatAck> HeartbeatAsync(HostHeartbeat heartbeat, SiloAddress agentSilo)
    {
        var hostId = heartbeat.HostId;
        if (!Hosts.TryGetValue(hostId, out var host))
        {
            host = Hosts[hostId] = new CoordinatedHost();
        }

        var now = _time.GetUtcNow();
        if (!host.Down && heartbeat.FencedItself && heartbeat.Guests.Count == 0)
        {
            // The agent stopped its guests while cut off (perhaps while this coordinator moved): restart them.
            var lastAck = _liveness.TryGetValue(hostId, out var previous) ? previous.LastAck : now;
            host.FenceOrdered = true;
            await DeclareDownAsync(hostId, host, FailureCause.FencedItself, lastAck, now);
            return new HeartbeatAck(Fenced: true);
        }

        // Equals, not !=: a SiloAddress read back from storage is not the interned instance a message carries.
        if (!host.Down && !agentSilo.Equals(host.AgentSilo))
        {
            if (host.AgentSilo is not null && heartbeat.GuestsOutliveAgent)
            {
                // A restarted agent adopted the guests its predecessor left running; they were fenced by their lease if
                // it lapsed, and the host is not Down, so nothing restarted them elsewhere.
                Record(ClusterEvent.ForHost(EventKinds.AgentRestarted, hostId, $"a new agent serves the host and adopted {heartbeat.Guests.Count} running guests"));
                LogAgentAdopted(hostId, heartbeat.Guests.Count);
            }
            else if (host.AgentSilo is not null)
            {
                // A new agent process serves the host: the old one died, and its guests with it.
                var lastAck = _liveness.TryGetValue(hostId, out var l) ? l.LastAck : now;
                host.FenceOrdered = true;
                await DeclareDownAsync(hostId, host, FailureCause.SiloDead, lastAck, now);
                return new HeartbeatAck(Fenced: true);
            }

            host.AgentSilo = agentSilo;
            host.GuestsOutliveAgent = heartbeat.GuestsOutliveAgent;
            await _state.WriteStateAsync();
        }
        else if (host.GuestsOutliveAgent != heartbeat.GuestsOutliveAgent)
        {
            host.GuestsOutliveAgent = heartbeat.GuestsOutliveAgent;
            await _state.WriteStateAsync();
        }

        _liveness[hostId] = (now, heartbeat.HypervisorHealthy);
        if (!host.Down && now >= _ackHorizon)
        {
            // Not an acknowledgement: the lease that bounds them could not be renewed in storage.
            throw new InvalidStateException($"the failover coordinator cannot acknowledge heartbeats: its lease in storage ran out at {_ackHorizon:O}");
        }

        if (host.Down && now < _ackHorizon && MayWithdraw(host, heartbeat, agentSilo))
        {
            // Its agent reached the database all along and never fenced: its guests still run there. The failover
            // decides (WithdrawalDecidedAsync); until the host is Up again nothing is acknowledged, and nothing is fenced.
            GrainFactory.GetGrain<IFailoverGrain>(host.FailoverId!).WithdrawAsync().Ignore();
            throw new InvalidStateException($"host {hostId} answers again before it fenced itself: failover {host.FailoverId} is asked to withdraw");
        }

        if (host.Down && !host.FenceOrdered)
        {
            // Persisted before the answer: from now on this Down period's failover must run (it is never withdrawn).
            host.FenceOrdered = true;
            await _state.WriteStateAsync();
        }

        return new HeartbeatAck(Fenced: host.Down);
    }

    /// <summary>
    /// A host Down for missed heartbeats whose agent heartbeats again, from the same silo, healthy, without having fenced
    /// itself and before it was told to: it was cut off from this coordinator but not from the database (its lease held
    /// the failover in AwaitingFence). Its failover may be withdrawn rather than stopping guests that never left. A broken
    /// hypervisor or a dead silo is no partition: those failovers run.
    /// </summary>
    private static bool MayWithdraw(CoordinatedHost host, HostHeartbeat heartbeat, SiloAddress agentSilo) =>
        host is { Cause: FailureCause.MissedHeartbeats, FenceOrdered: false, FailoverId: not null, FailoverCompleted: false }
        && heartbeat is { HypervisorHealthy: true, FencedItself: false }
        && agentSilo.Equals(host.AgentSilo);

    public async Task WithdrawalDecidedAsync(HostId hostId, string failoverId, bool withdrawn)
    {
        if (!Hosts.TryGetValue(hostId, out var host) || !host.Down || host.FailoverId != failoverId)
        {
            return; // applied already, or another failover since
        }

        var now = _time.GetUtcNow();
        if (!withdrawn)
        {
            if (!host.FenceOrdered)
            {
                host.FenceOrdered = true; // too late to withdraw: the next heartbeat tells the agent to fence
                await _state.WriteStateAsync();
            }

            return;
        }

        if (host.FenceOrdered)
        {
            // The agent was told to fence meanwhile: its guests are stopping, so they need a failover after all.
            await DeclareDownAsync(hostId, host, host.Cause, host.LastAck, now);
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IHostGrain>(hostId.Value).SetDownAsync(false).WaitAsync(CallBound);
        }
        catch (Exception)
        {
            return; // the host stays Down, acknowledged by nobody; the failover's next kick reports its decision again
        }

        host.Down = false;
        host.FailoverId = null;
        host.FailoverCompleted = false;
        _liveness[hostId] = (now, true); // it heart-beat just now; its detection starts afresh
        await _state.WriteStateAsync();
        LogFailoverWithdrawn(hostId, failoverId);
        Record(ClusterEvent.ForHost(EventKinds.FailoverWithdrawn, hostId, $"failover {failoverId} withdrawn: the host's agent answered again before it fenced itself; its guests run on there"));
    }

    public async Task RejoinAsync(HostId hostId)
    {
        if (!Hosts.TryGetValue(hostId, out var host) || !host.Down || !host.FailoverCompleted)
        {
            return; // still failing over: the agent stays fenced and asks again
        }

        // Host record first: if it cannot be reached the agent stays fenced and asks again next heartbeat.
        await GrainFactory.GetGrain<IHostGrain>(hostId.Value).SetDownAsync(false).WaitAsync(CallBound);
        host.Down = false;
        host.FailoverId = null;
        host.FailoverCompleted = false;
        host.FenceOrdered = false;
        host.AgentSilo = null;
        await _state.WriteStateAsync();
        _liveness[hostId] = (_time.GetUtcNow(), true);
        _nextPendingRetry = _time.GetUtcNow(); // capacity came back
        LogRejoined(hostId);
        Record(ClusterEvent.ForHost(EventKinds.HostRejoined, hostId, "fenced itself and rejoined"));
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    public async Task<IReadOnlyList<FailoverSnapshot>> ListFailoversAsync()
    {
        var snapshots = await Task.WhenAll(_state.State.FailoverIds.Select(id => GrainFactory.GetGrain<IFailoverGrain>(id).GetAsync().WaitAsync(CallBound * 5)));
        return snapshots.OfType<FailoverSnapshot>().OrderByDescending(f => f.DeclaredAt).ToList();
    }

    public async Task FailoverCompletedAsync(HostId hostId, string failoverId)
    {
        if (Hosts.TryGetValue(hostId, out var host) && host.FailoverId == failoverId && !host.FailoverCompleted)
        {
            host.FailoverCompleted = true;
            await _state.WriteStateAsync();
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_ackHorizon - now < AckLeaseRenewBelow)
        {
            await RenewAckLeaseAsync(now);
        }

        if (now >= _ackHorizon)
        {
            return; // cut off from storage (or superseded): this activation's view is not to be acted on
        }

        var membership = _membership.CurrentSnapshot;
        foreach (var (hostId, host) in Hosts.Where(h => !h.Value.Down).ToList())
        {
            var (lastAck, healthy) = _liveness.TryGetValue(hostId, out var l) ? l : (now, true);
            var siloDead = host.AgentSilo is { } silo && membership.GetSiloStatus(silo) == SiloStatus.Dead;
            if (FailureDetector.Verdict(new HostLiveness(hostId, lastAck, siloDead, healthy, host.GuestsOutliveAgent), now, _options) is { } cause)
            {
                await DeclareDownAsync(hostId, host, cause, lastAck, now);
            }
        }

        if (now >= _nextRunRetry)
        {
            _nextRunRetry = now + RunRetryPeriod;
            foreach (var (hostId, host) in Hosts.Where(h => h.Value.Down && h.Value.FailoverId is not null && !h.Value.FailoverCompleted))
            {
                await KickAsync(hostId, host);
            }
        }

        if (now >= _nextPendingRetry)
        {
            _nextPendingRetry = now + PendingRetryPeriod;
            var vms = await GrainFactory.GetGrain<IInventoryGrain>(IInventoryGrain.Key).ListVmsAsync().WaitAsync(CallBound, cancellationToken);
            foreach (var pending in vms.Where(v => v.State == VmState.Pending && v.Host is null))
            {
                await GrainFactory.GetGrain<IVmGrain>(pending.VmId.Value).RetryPendingAsync();
            }
        }
    }

    /// <summary>Extends the acknowledgement lease in storage first; only a persisted horizon is used. A failed write leaves acknowledgements to end at the old one.</summary>
    private async Task RenewAckLeaseAsync(DateTimeOffset now)
    {
        var horizon = now + AckLease;
        _state.State.AckHorizon = horizon;
        try
        {
            await _state.WriteStateAsync();
            _ackHorizon = horizon;
        }
        catch (Exception e)
        {
            _state.State.AckHorizon = _ackHorizon;
            LogAckLeaseNotRenewed(_ackHorizon, e.Message);
            if (e is InconsistentStateException)
            {
                // Another activation wrote since: this one is stale and must step aside.
                DeactivateOnIdle();
            }
        }
    }

    private async Task DeclareDownAsync(HostId hostId, CoordinatedHost host, FailureCause cause, DateTimeOffset lastAck, DateTimeOffset now)
    {
        // An earlier activation may have acknowledged this host until its own horizon, unknown to this one.
        lastAck = lastAck > _previousHorizon ? lastAck : _previousHorizon;
        var id = $"{hostId}-{++_state.State.FailoverCount}";
        host.Down = true;
        host.FailoverId = id;
        host.FailoverCompleted = false;
        host.Cause = cause;
        host.LastAck = lastAck;
        host.DeclaredAt = now;
        _state.State.FailoverIds.Add(id);
        if (_state.State.FailoverIds.Count > HistoryLength)
        {
            _state.State.FailoverIds.RemoveAt(0);
        }

        await _state.WriteStateAsync();
        LogDeclaredDown(hostId, cause, now - lastAck);
        Record(ClusterEvent.ForHost(EventKinds.HostDown, hostId, $"declared down ({cause}), last heartbeat {(now - lastAck).TotalSeconds:F1} s before; failover {id}"));
        await KickAsync(hostId, host);
    }

    /// <summary>Appends without waiting: the coordinator's turns must stay short (agents' isolation timers run meanwhile).</summary>
    private void Record(ClusterEvent clusterEvent) => _ = Task.Run(() => _events.AppendAsync(clusterEvent));

    /// <summary>Begins (idempotently) and runs a host's failover, one-way; a later tick repeats it until it completes.</summary>
    private Task KickAsync(HostId hostId, CoordinatedHost host) =>
        GrainFactory.GetGrain<IFailoverGrain>(host.FailoverId!).RunAsync(hostId, host.Cause, host.LastAck, host.DeclaredAt, host.AgentSilo?.ToParsableString());
}
