namespace HostGrid.Contracts.Failover;

/// <summary>
/// One host's failover as a persisted operation (key: the failover id). Resumable: calling
/// <see cref="RunAsync"/> again after a crash continues from the persisted phase.
/// </summary>
[Alias("hostgrid.IFailoverGrain")]
public interface IFailoverGrain : IGrainWithStringKey
{
    [Alias("Begin")]
    Task BeginAsync(HostId host, FailureCause cause, DateTimeOffset lastHeartbeat, DateTimeOffset declaredAt);

    /// <summary>Drives the failover to completion from wherever it stands; idempotent.</summary>
    [Alias("Run"), OneWay]
    Task RunAsync();

    /// <summary>Read-only, so it answers even while the failover runs.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<FailoverSnapshot?> GetAsync();
}
