namespace HostGrid.Contracts.Vms;

/// <summary>
/// The persisted record and single writer of one guest: spec, desired and actual state, host, epoch.
/// Every lifecycle command goes through it. Key: the VM id.
/// </summary>
[Alias("hostgrid.IVmGrain")]
public interface IVmGrain : IGrainWithStringKey
{
    /// <summary>Places and (unless asked otherwise) starts a new guest. Throws <see cref="Errors.VmAlreadyExistsException"/> if the record exists.</summary>
    [Alias("Create")]
    Task<VmSnapshot> CreateAsync(CreateVmCommand command);

    /// <summary>Throws <see cref="Errors.VmNotFoundException"/> when there is no such guest.</summary>
    [Alias("Get")]
    Task<VmSnapshot> GetAsync();

    [Alias("Start")]
    Task<VmSnapshot> StartAsync();

    [Alias("Stop")]
    Task<VmSnapshot> StopAsync();

    /// <summary>
    /// The guest's host is dead and fenced: raise the epoch, release the dead host's capacity and restart the
    /// guest elsewhere (or place it stopped, if it was stopped); Pending with the reason when nothing fits.
    /// </summary>
    [Alias("FailOver")]
    Task<Failover.VmFailoverOutcome> FailOverAsync(HostId deadHost);

    /// <summary>
    /// The guest's copy on <paramref name="host"/> is gone while its record says it runs there (its process died, or was
    /// fenced while its agent was away): restart it like a failover does. A no-op unless the guest should run there and no
    /// migration is under way.
    /// </summary>
    [Alias("GuestLost"), OneWay]
    Task GuestLostAsync(HostId host);

    /// <summary>A Pending guest that should run tries placement again (capacity may have appeared); a no-op otherwise.</summary>
    [Alias("RetryPending"), OneWay]
    Task RetryPendingAsync();

    /// <summary>
    /// Moves the guest to <paramref name="target"/> (or a host the scheduler picks): capacity is reserved there first,
    /// then a running guest live-migrates and a stopped one moves cold. Returns the operation at once; it runs on.
    /// Throws <see cref="Errors.OperationInProgressException"/> while another operation runs on the guest.
    /// </summary>
    [Alias("Migrate")]
    Task<Operations.OperationSnapshot> MigrateAsync(HostId? target);

    /// <summary>Rolls the running migration back to its source unless it has committed (then <see cref="Errors.InvalidStateException"/>).</summary>
    [Alias("CancelMigration"), AlwaysInterleave]
    Task CancelMigrationAsync(string operationId);

    /// <summary>Stops the guest, releases its capacity and removes the record.</summary>
    [Alias("Delete")]
    Task DeleteAsync();
}
