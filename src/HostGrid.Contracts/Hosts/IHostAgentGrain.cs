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

    /// <summary>Stops the guest if it runs here and deletes its disks: the guest is being deleted. Idempotent.</summary>
    [Alias("DeleteGuest"), ResponseTimeout(CommandTimeout)]
    Task DeleteGuestAsync(VmId vmId, GuestSpec spec, long epoch);

    [Alias("ListGuests"), ResponseTimeout(CommandTimeout)]
    Task<IReadOnlyList<GuestStatus>> ListGuestsAsync();

    /// <summary>Bounds a whole pre-copy; longer than the longest <c>MigrationOptions.Timeout</c> allowed by default.</summary>
    const string MigrationTimeout = "00:10:00";

    /// <summary>Destination: get ready to receive the guest; returns where to send its pages.</summary>
    [Alias("PrepareIncoming"), ResponseTimeout(CommandTimeout)]
    Task<Migration.MigrationEndpoint> PrepareIncomingAsync(Migration.MigrationTicket ticket, GuestSpec spec);

    /// <summary>
    /// Source: pre-copy and switch over; returns with the guest paused here and a verified copy at the destination.
    /// Reports progress to the ticket's operation. On failure the guest runs here again.
    /// </summary>
    [Alias("MigrateOut"), ResponseTimeout(MigrationTimeout)]
    Task<Migration.MigrationResult> MigrateOutAsync(Migration.MigrationTicket ticket, Migration.MigrationEndpoint destination);

    /// <summary>Source: cancels the running <see cref="MigrateOutAsync"/> of that operation, if any.</summary>
    [Alias("CancelMigration"), AlwaysInterleave, ResponseTimeout(CommandTimeout)]
    Task CancelMigrationAsync(string operationId);

    /// <summary>Source, after the commit: pause the guest and switch a move that did not converge to post-copy.</summary>
    [Alias("StartPostCopy"), ResponseTimeout(CommandTimeout)]
    Task<Migration.MigrationResult> StartPostCopyAsync(Migration.MigrationTicket ticket);

    /// <summary>Destination: waits until the incoming copy is complete and ready to run; the move commits only after this.</summary>
    [Alias("ConfirmIncoming"), ResponseTimeout(CommandTimeout)]
    Task ConfirmIncomingAsync(Migration.MigrationTicket ticket);

    /// <summary>Destination: run the verified copy at the ticket's target epoch (after the move committed).</summary>
    [Alias("ActivateIncoming"), ResponseTimeout(CommandTimeout)]
    Task ActivateIncomingAsync(Migration.MigrationTicket ticket);

    /// <summary>Destination: drop an incoming copy (rollback). Idempotent.</summary>
    [Alias("AbortIncoming"), ResponseTimeout(CommandTimeout)]
    Task AbortIncomingAsync(Migration.MigrationTicket ticket);

    /// <summary>Source: run again a guest paused for a switch-over that did not commit (rollback). Idempotent.</summary>
    [Alias("ResumeGuest"), ResponseTimeout(CommandTimeout)]
    Task ResumeGuestAsync(Migration.MigrationTicket ticket);
}
