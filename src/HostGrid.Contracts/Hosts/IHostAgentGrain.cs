namespace HostGrid.Contracts.Hosts;

/// <summary>
/// The command channel to one host's hypervisor, pinned to the silo serving that host.
/// The only path to hypervisor side effects. Every command carries the guest's epoch; a command older than
/// the epoch the agent has seen for that guest is refused (<see cref="Errors.StaleEpochException"/>).
/// When the host's silo is gone, calls fail fast with <see cref="Errors.HostUnreachableException"/>.
/// </summary>
[Alias("hostgrid.IHostAgentGrain")]
public interface IHostAgentGrain : IGrainWithStringKey
{
    /// <summary>Bounds every command: a hung agent must not hold a guest's operation for Orleans' default 30 s.</summary>
    const string CommandTimeout = "00:00:10";

    [Alias("StartGuest"), ResponseTimeout(CommandTimeout)]
    Task StartGuestAsync(VmId vmId, GuestSpec spec, long epoch);

    [Alias("StopGuest"), ResponseTimeout(CommandTimeout)]
    Task StopGuestAsync(VmId vmId, long epoch);

    [Alias("ListGuests"), ResponseTimeout(CommandTimeout)]
    Task<IReadOnlyList<GuestStatus>> ListGuestsAsync();
}
