using HostGrid.Contracts.Migration;

namespace HostGrid.Hypervisor;

/// <summary>
/// One host's hypervisor. Only the agent calls it, through <c>IHostAgentGrain</c>, and every driver is wrapped
/// in <see cref="EpochFencedDriver"/> so stale commands never reach it.
/// </summary>
public interface IHypervisorDriver
{
    HostId HostId { get; }

    /// <summary>Starts the guest at this epoch. A copy already running at an older epoch is stopped first.</summary>
    Task StartAsync(VmId vmId, GuestSpec spec, long epoch, CancellationToken cancellationToken);

    /// <summary>Stops the guest if it runs. Idempotent.</summary>
    Task StopAsync(VmId vmId, CancellationToken cancellationToken);

    /// <summary>Stops the guest if it runs here, then deletes its disks for good (the guest itself is being deleted). Idempotent.</summary>
    Task DeleteAsync(VmId vmId, GuestSpec spec, CancellationToken cancellationToken);

    /// <summary>The guests the hypervisor runs, with their epochs and load.</summary>
    Task<IReadOnlyList<GuestStatus>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Whether the hypervisor itself works; a host whose hypervisor fails is Down even while its agent lives.</summary>
    Task<bool> CheckHealthAsync(CancellationToken cancellationToken);

    // Live migration. The VM grain drives these in order: destination PrepareIncoming, source MigrateOut (pre-copy and
    // switch-over; returns with the source paused), destination ConfirmIncoming (the whole copy arrived and can run), then
    // after Commit the destination ActivateIncoming and the source Stop; on a failure before Commit, destination
    // AbortIncoming and source Resume. A MigrateOut that hands over to post-copy returns with the guest still running:
    // Commit comes first, then source StartPostCopy, destination ConfirmIncoming and ActivateIncoming, source Stop.

    /// <summary>Destination: get ready to receive the guest's pages for <paramref name="ticket"/>; returns where to send them.</summary>
    Task<MigrationEndpoint> PrepareIncomingAsync(MigrationTicket ticket, GuestSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Source: pre-copy the running guest to <paramref name="destination"/>, then pause it and send the last pages. Returns
    /// once everything is sent, the guest still paused here; the result's <c>SwitchOverDuration</c> runs from the pause to
    /// this return. On any failure the guest runs here again and <see cref="Contracts.Errors.MigrationFailedException"/>
    /// says why; cancelling the token cancels the same way.
    /// </summary>
    Task<MigrationResult> MigrateOutAsync(MigrationTicket ticket, MigrationEndpoint destination, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Source, after the commit of a move whose <c>MigrateOut</c> said <c>PostCopy</c>: pause the guest, hand its device
    /// state over and keep serving the destination the pages it still lacks (a later stop here waits for them). Returns with
    /// the guest paused here and the switch-over's figures; throws <see cref="Contracts.Errors.MigrationFailedException"/>
    /// if the migration ended before the switch. Idempotent.
    /// </summary>
    Task<MigrationResult> StartPostCopyAsync(MigrationTicket ticket, CancellationToken cancellationToken);

    /// <summary>
    /// Destination: waits until the incoming copy for <paramref name="ticket"/> is complete and ready to run (not yet
    /// running), or throws <see cref="Contracts.Errors.MigrationFailedException"/>. The move commits only after this
    /// (in post-copy: the device state arrived; the pages follow once it runs).
    /// </summary>
    Task ConfirmIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken);

    /// <summary>Destination: run the verified incoming copy at the ticket's target epoch. Idempotent.</summary>
    Task ActivateIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken);

    /// <summary>Destination: drop an incoming copy that will not run (rollback). Idempotent.</summary>
    Task AbortIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken);

    /// <summary>Source: run again a guest paused for a switch-over that did not commit (rollback). Idempotent.</summary>
    Task ResumeAsync(MigrationTicket ticket, CancellationToken cancellationToken);
}
