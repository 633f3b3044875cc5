using HostGrid.Contracts.Failover;
using HostGrid.Core.Failover;

namespace HostGrid.Core.Tests.Failover;

public sealed class FailureDetectorTests
{
    private static readonly DateTimeOffset LastAck = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly FailoverOptions Options = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        MissedHeartbeats = 3,
        IsolationTimeout = TimeSpan.FromSeconds(3),
    };

    private static readonly HostId Host = new("hv-1");

    [Fact]
    public void Verdict_SiloDead_GuestsDieWithAgent_DownAtOnce()
    {
        var verdict = FailureDetector.Verdict(new HostLiveness(Host, LastAck, SiloDead: true, HypervisorHealthy: true), LastAck.AddMilliseconds(100), Options);

        Assert.Equal(FailureCause.SiloDead, verdict);
    }

    [Fact]
    public void Verdict_SiloDead_GuestsOutliveAgent_AliveUntilHeartbeatsMissed()
    {
        var host = new HostLiveness(Host, LastAck, SiloDead: true, HypervisorHealthy: true, GuestsOutliveAgent: true);

        Assert.Null(FailureDetector.Verdict(host, LastAck.AddSeconds(2.9), Options));
        Assert.Equal(FailureCause.MissedHeartbeats, FailureDetector.Verdict(host, LastAck.AddSeconds(3), Options));
    }

    [Fact]
    public void FenceAt_SameForBothKindsOfHost_CountedFromLastAck()
    {
        Assert.Equal(LastAck + Options.IsolationTimeout + Options.FenceMargin, FailureDetector.FenceAt(FailureCause.MissedHeartbeats, LastAck, LastAck.AddSeconds(3), Options));
    }

    [Theory]
    [InlineData(0.5, 3.0)] // renewed half a second ago: 3 s more
    [InlineData(3.5, 0.0)] // the isolation timeout and the margin since: spent
    [InlineData(10, -6.5)]
    public void LeaseWait_CountedFromTheLastRenewal(double sinceSeconds, double expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), FailureDetector.LeaseWait(TimeSpan.FromSeconds(sinceSeconds), Options));
    }

    [Fact]
    public void LeaseWait_NeverRenewed_NothingToWaitFor()
    {
        Assert.Equal(TimeSpan.Zero, FailureDetector.LeaseWait(null, Options));
    }
}
