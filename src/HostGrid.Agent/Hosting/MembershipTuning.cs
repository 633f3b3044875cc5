using Orleans.Configuration;

namespace HostGrid.Agent.Hosting;

/// <summary>
/// Orleans membership settings for failover within seconds. Orleans' defaults take 5-13 s to declare a killed silo
/// dead and about a minute for a hung (SIGSTOP) one; the failover coordinator and the agents' isolation timeout (3 s)
/// need a dead or hung silo's grains to move well inside that. Each setting can be overridden under
/// <c>HostGrid:Membership</c> (same names as <see cref="ClusterMembershipOptions"/>).
/// </summary>
public static class MembershipTuning
{
    public const string SectionName = "HostGrid:Membership";

    public static void Apply(ClusterMembershipOptions o)
    {
        // Probe every second; two missed probes make a suspicion (measured here: ~1 s for a kill).
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        // Without this, suspicion of a hung silo waits while its socket still looks alive (~60 s for SIGSTOP).
        o.EnableConnectionLivenessCheck = false;
        // Read the table often, so every silo learns of a death quickly.
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
    }
}
