using HostGrid.Contracts.Cluster;
using HostGrid.Contracts.Errors;
using HostGrid.Core.Failover;
using HostGrid.Core.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostGrid.Grains.Hosts;

/// <summary>A host's record: capacity, labels, reservations; status from its heartbeats.</summary>
public sealed partial class HostGrain : Grain, IHostGrain
{
    // The same rules placement used, re-checked here because this grain is the authority on the host's capacity.
    private static readonly IPlacementFilter[] ReservationChecks = [new HostStatusFilter(), new AntiAffinityFilter(), new CapacityFilter()];

    private readonly IPersistentState<HostState> _state;
    private readonly TimeProvider _time;
    private readonly FailoverOptions _failover;
    private readonly ILogger<HostGrain> _logger;
    private DateTimeOffset? _lastHeartbeat;
    private HostLoad _load = HostLoad.Idle;
    private IReadOnlyList<GuestStatus> _guests = [];
    private bool _hypervisorHealthy = true;
    private HostStatus _lastReportedStatus = HostStatus.Joining;
    private readonly Dictionary<VmId, DateTimeOffset> _missingSince = [];

    public HostGrain(
        [PersistentState("host", HostGridStorage.ProviderName)] IPersistentState<HostState> state,
        TimeProvider time,
        IOptions<FailoverOptions> failover,
        ILogger<HostGrain> logger)
    {
        _state = state;
        _time = time;
        _failover = failover.Value;
        _logger = logger;
    }

    private HostId HostId => new(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A known host's grain that moved or was collected hears from its agent within a heartbeat: until then it counts
        // as just heard from (as the coordinator does after a move), not as Joining, which would refuse guests.
        if (_state.State.Registered && !_state.State.Down)
        {
            _lastHeartbeat = _time.GetUtcNow();
        }

        return Task.CompletedTask;
    }

    public async Task RegisterAsync(HostRegistration registration)
    {
        var state = _state.State;
        var changed = !state.Registered
            || state.Capacity != registration.Capacity
            || !state.Labels.OrderBy(l => l.Key).SequenceEqual(registration.Labels.OrderBy(l => l.Key));
        if (changed)
        {
            state.Registered = true;
            state.Capacity = registration.Capacity;
            state.Labels = new Dictionary<string, string>(registration.Labels);
            await _state.WriteStateAsync();
        }

        await GrainFactory.GetGrain<IInventoryGrain>(IInventoryGrain.Key).AddHostAsync(HostId);
        // Wakes the rebalancer on a fresh cluster; from then on its reminder keeps it alive.
        GrainFactory.GetGrain<Contracts.Rebalancing.IRebalancerGrain>(Contracts.Rebalancing.IRebalancerGrain.Key).GetStatusAsync().Ignore();
        LogRegistered(HostId, registration.Capacity.Vcpus, registration.Capacity.MemoryMib, registration.Capacity.DiskGib);
    }

    public Task<IReadOnlyList<GuestStatus>> HeartbeatAsync(HostHeartbeat heartbeat)
    {
        _lastHeartbeat = _time.GetUtcNow();
        _load = heartbeat.Load;
        _guests = heartbeat.Guests;
        _hypervisorHealthy = heartbeat.HypervisorHealthy;
        // A guest is reserved before it starts and released only after it stops or its host was fenced,
        // so a running guest without a reservation is a stray copy.
        IReadOnlyList<GuestStatus> strays = heartbeat.Guests
            .Where(g => g.Running && !_state.State.Reservations.ContainsKey(g.VmId))
            .ToList();
        ReportLostGuests(heartbeat);
        return Task.FromResult(strays);
    }

    /// <summary>
    /// A guest reserved here that the host has not reported for as long as a silent host takes to be declared Down (its
    /// process died, or was fenced while its agent was away) is handed to its VM grain, which restarts it if it should run
    /// here; asked again after each such period while it stays missing.
    /// </summary>
    private void ReportLostGuests(HostHeartbeat heartbeat)
    {
        var now = _time.GetUtcNow();
        var grace = _failover.HeartbeatInterval * _failover.MissedHeartbeats;
        var reported = heartbeat.Guests.Select(g => g.VmId).ToHashSet();
        foreach (var vmId in _missingSince.Keys.Where(v => reported.Contains(v) || !_state.State.Reservations.ContainsKey(v)).ToList())
        {
            _missingSince.Remove(vmId);
        }

        foreach (var vmId in _state.State.Reservations.Keys.Where(v => !reported.Contains(v)))
        {
            var since = _missingSince.TryAdd(vmId, now) ? now : _missingSince[vmId];
            if (now - since >= grace)
            {
                _missingSince[vmId] = now;
                GrainFactory.GetGrain<IVmGrain>(vmId.Value).GuestLostAsync(HostId).Ignore();
            }
        }
    }

    public Task<IReadOnlyList<GuestStatus>> GetGuestLoadsAsync() => Task.FromResult(_guests);

    public Task<HostSnapshot> GetSnapshotAsync()
    {
        EnsureRegistered();
        return Task.FromResult(Snapshot());
    }

    public async Task<ReservationResult> TryReserveAsync(Reservation reservation)
    {
        EnsureRegistered();
        if (_state.State.Reservations.ContainsKey(reservation.VmId))
        {
            return ReservationResult.Grant;
        }

        var request = new PlacementRequest(
            reservation.VmId,
            new VmSpec(reservation.Resources, new Dictionary<string, string>(), reservation.AntiAffinityGroup, new Dictionary<string, string>()),
            []);
        var snapshot = Snapshot();
        foreach (var check in ReservationChecks)
        {
            if (check.Reject(request, snapshot) is { } reason)
            {
                return ReservationResult.Refuse(reason);
            }
        }

        _state.State.Reservations[reservation.VmId] = reservation;
        await _state.WriteStateAsync();
        return ReservationResult.Grant;
    }

    public async Task SetDownAsync(bool down)
    {
        if (_state.State.Down != down)
        {
            _state.State.Down = down;
            await _state.WriteStateAsync();
        }
    }

    public async Task SetMaintenanceAsync(bool maintenance)
    {
        EnsureRegistered();
        if (_state.State.Maintenance != maintenance)
        {
            _state.State.Maintenance = maintenance;
            await _state.WriteStateAsync();
            LogMaintenance(HostId, maintenance);
        }
    }

    public async Task ReleaseAsync(VmId vmId)
    {
        if (_state.State.Reservations.Remove(vmId))
        {
            await _state.WriteStateAsync();
        }
    }

    private HostSnapshot Snapshot()
    {
        var now = _time.GetUtcNow();
        var status = _state.State.Down || !_hypervisorHealthy
            ? HostStatus.Down
            : HostHealth.Evaluate(_lastHeartbeat, now, _failover);
        if (status == HostStatus.Up && _state.State.Maintenance)
        {
            status = HostStatus.Maintenance; // alive, but placement skips it
        }
        if (status != _lastReportedStatus)
        {
            LogStatusChanged(HostId, _lastReportedStatus, status);
            _lastReportedStatus = status;
        }

        var state = _state.State;
        return new HostSnapshot(
            HostId,
            status,
            state.Capacity,
            state.Allocated,
            _load,
            state.Labels,
            _lastHeartbeat,
            state.Reservations.Values.OrderBy(r => r.VmId.Value, StringComparer.Ordinal).ToList(),
            now,
            state.Maintenance);
    }

    private void EnsureRegistered()
    {
        if (!_state.State.Registered)
        {
            throw new HostNotFoundException(HostId);
        }
    }
}
