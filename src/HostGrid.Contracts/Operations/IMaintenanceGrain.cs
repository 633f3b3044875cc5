namespace HostGrid.Contracts.Operations;

/// <summary>
/// Puts one host into maintenance and drains it: placement skips the host and every guest migrates off it, a bounded
/// number at a time. The drain is persisted and resumes after a silo loss. Key: the host id.
/// </summary>
[Alias("hostgrid.IMaintenanceGrain")]
public interface IMaintenanceGrain : IGrainWithStringKey
{
    /// <summary>Marks the host in maintenance and starts (or returns the running) drain. Idempotent.</summary>
    [Alias("Enter")]
    Task<OperationSnapshot> EnterAsync();

    /// <summary>Cancels a running drain and makes the host take guests again.</summary>
    [Alias("Exit")]
    Task ExitAsync();

    /// <summary>Stops the running drain from starting further migrations; the host stays in maintenance.</summary>
    [Alias("CancelDrain")]
    Task CancelDrainAsync(string operationId);
}
