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
    /// Asked by the coordinator when the Down host's agent heartbeats again without having fenced itself. Withdraws if the
    /// failover still awaits the fence (it has restarted nothing) and reports the decision with
    /// <see cref="IFailoverCoordinatorGrain.WithdrawalDecidedAsync"/>. A run in progress finishes its turn first, so a
    /// withdrawal never races a restart. One-way, as <see cref="RunAsync"/>; a withdrawn failover reports again when run.
    /// </summary>
    [Alias("Withdraw"), OneWay]
    Task WithdrawAsync();

    /// <summary>Read-only, so it answers even while the failover runs.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<FailoverSnapshot?> GetAsync();
}
