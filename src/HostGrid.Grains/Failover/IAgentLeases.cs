namespace HostGrid.Grains.Failover;

/// <summary>
/// Datastore heartbeats (as vSphere HA's): every heartbeat, each agent also renews a lease per host in the cluster's
/// database. An agent that reaches the database is not isolated, even while the failover coordinator moves between
/// silos and acknowledges nothing; so a failover waits, besides the coordinator's own deadline, until the host's
/// agent has surely gone <see cref="Core.Failover.FailoverOptions.IsolationTimeout"/> without a renewal. Time is the
/// store's own clock on both sides, so no two hosts' clocks are compared.
/// </summary>
public interface IAgentLeases
{
    /// <summary>Renews the lease of <paramref name="agent"/> (its silo) for <paramref name="host"/>; throws when it could not.</summary>
    Task RenewAsync(HostId host, string agent, CancellationToken cancellationToken);

    /// <summary>How long ago that agent last renewed its lease for the host, by the store's clock; null if it never did.</summary>
    Task<TimeSpan?> SinceRenewedAsync(HostId host, string agent, CancellationToken cancellationToken);
}
