using HostGrid.Contracts.Migration;

namespace HostGrid.Contracts.Operations;

/// <summary>
/// The persisted, user-visible record of one long-running operation. Written by the grain that runs the operation
/// (the guest's <see cref="Vms.IVmGrain"/> for a migration, the host's <see cref="IMaintenanceGrain"/> for a drain);
/// read by the API. Key: the operation id.
/// </summary>
[Alias("hostgrid.IOperationGrain")]
public interface IOperationGrain : IGrainWithStringKey
{
    /// <summary>Stores the operation's new state (persisted, and indexed when it starts or finishes).</summary>
    [Alias("Save")]
    Task SaveAsync(OperationSnapshot snapshot);

    /// <summary>A live figure from a migration's data plane; kept in memory, persisted with the next save.</summary>
    [Alias("ReportProgress"), OneWay]
    Task ReportProgressAsync(MigrationProgress progress);

    /// <summary>Throws <see cref="Errors.OperationNotFoundException"/> for an unknown id.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<OperationSnapshot> GetAsync();

    /// <summary>
    /// Asks the operation's runner to stop. A migration not yet committed rolls back to its source; a drain stops
    /// starting migrations. Throws <see cref="Errors.InvalidStateException"/> when the operation has finished or a
    /// migration has already committed.
    /// </summary>
    [Alias("Cancel")]
    Task<OperationSnapshot> CancelAsync();
}
