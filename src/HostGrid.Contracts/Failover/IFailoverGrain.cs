namespace HostGrid.Contracts.Failover;

/// <summary>
/// One host's failover as a persisted operation (key: the failover id). Resumable: calling
/// <see cref="RunAsync"/> again after a crash continues from the persisted phase.
/// </summary>
[Alias("hostgrid.IFailoverGrain")]
public interface IFailoverGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records the failover (once) and drives it to completion from wherever it stands; idempotent, so the
    /// coordinator calls it again until it completes. One-way: the coordinator must never wait on it. <c>agent</c> is
    /// the silo of the agent that served the host when it went Down (its lease in the database is waited for), or null.
    /// </summary>
    [Alias("Run"), OneWay]
    Task RunAsync(HostId host, FailureCause cause, DateTimeOffset lastHeartbeat, DateTimeOffset declaredAt, string? agent);

    /// <summary>
    /// Called by the coordinator when the Down host's agent heartbeats again without having fenced itself: true if the
    /// failover had restarted nothing and is now withdrawn (or already was), false once it has gone past waiting for the
    /// fence. A run in progress finishes its turn first, so a withdrawal never races a restart.
    /// </summary>
    [Alias("Withdraw")]
    Task<bool> WithdrawAsync();

    /// <summary>Read-only, so it answers even while the failover runs.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<FailoverSnapshot?> GetAsync();
}
