namespace HostGrid.Contracts.Hosts;

/// <summary>
/// The persisted record of one host and the authority on its capacity: every reservation goes through it.
/// Placed anywhere, so it outlives the host's agent. Key: the host id.
/// </summary>
[Alias("hostgrid.IHostGrain")]
public interface IHostGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the host's capacity and labels; called by its agent at start.</summary>
    [Alias("Register")]
    Task RegisterAsync(HostRegistration registration);

    /// <summary>
    /// Records a report of the host's load and guests; the host is Up while they keep coming. Returns the reported
    /// guests that hold no reservation here (moved, deleted, or started by a command that timed out and was placed
    /// elsewhere): the agent stops them.
    /// </summary>
    [Alias("Heartbeat"), ResponseTimeout(Failover.IFailoverCoordinatorGrain.HeartbeatTimeout)]
    Task<IReadOnlyList<GuestStatus>> HeartbeatAsync(HostHeartbeat heartbeat);

    /// <summary>Read-only, so placement reads never queue behind reservation writes.</summary>
    [Alias("GetSnapshot"), AlwaysInterleave]
    Task<HostSnapshot> GetSnapshotAsync();

    /// <summary>The guests as the host's last heartbeat reported them, with their CPU demand and memory use (the rebalancer's load model).</summary>
    [Alias("GetGuestLoads"), AlwaysInterleave]
    Task<IReadOnlyList<GuestStatus>> GetGuestLoadsAsync();

    /// <summary>Holds capacity for a guest if it still fits and no guest of the same anti-affinity group is here. Idempotent per guest.</summary>
    [Alias("TryReserve")]
    Task<ReservationResult> TryReserveAsync(Reservation reservation);

    /// <summary>Set by the failover coordinator: Down hosts take no guests until they rejoin.</summary>
    [Alias("SetDown")]
    Task SetDownAsync(bool down);

    /// <summary>A host in maintenance takes no new guests (placement and reservations skip it) until it leaves maintenance.</summary>
    [Alias("SetMaintenance")]
    Task SetMaintenanceAsync(bool maintenance);

    /// <summary>Returns a guest's capacity. Idempotent.</summary>
    [Alias("Release")]
    Task ReleaseAsync(VmId vmId);
}
