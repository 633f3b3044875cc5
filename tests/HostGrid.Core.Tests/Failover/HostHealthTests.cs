using HostGrid.Core.Failover;

namespace HostGrid.Core.Tests.Failover;

public sealed class HostHealthTests
{
    private static readonly DateTimeOffset Beat = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // One-second heartbeats, Down after three missed.
    private static readonly FailoverOptions Options = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        MissedHeartbeats = 3,
        IsolationTimeout = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public void Evaluate_NoHeartbeatYet_Joining()
    {
        Assert.Equal(HostStatus.Joining, HostHealth.Evaluate(null, Beat.AddHours(1), Options));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(1500)]
    public void Evaluate_WithinOneIntervalAndAHalf_Up(int ageMs)
    {
        Assert.Equal(HostStatus.Up, HostHealth.Evaluate(Beat, Beat.AddMilliseconds(ageMs), Options));
    }

    [Fact]
    public void Evaluate_JustPastOneIntervalAndAHalf_Suspect()
    {
        Assert.Equal(HostStatus.Suspect, HostHealth.Evaluate(Beat, Beat.AddMilliseconds(1500).AddTicks(1), Options));
    }

    [Fact]
    public void Evaluate_JustBeforeMissedHeartbeatsIntervals_Suspect()
    {
        Assert.Equal(HostStatus.Suspect, HostHealth.Evaluate(Beat, Beat.AddSeconds(3).AddTicks(-1), Options));
    }

    [Theory]
    [InlineData(3000)]
    [InlineData(60_000)]
    public void Evaluate_MissedHeartbeatsIntervalsOrMore_Down(int ageMs)
    {
        Assert.Equal(HostStatus.Down, HostHealth.Evaluate(Beat, Beat.AddMilliseconds(ageMs), Options));
    }

    [Fact]
    public void Evaluate_HeartbeatStampedAfterNow_Up()
    {
        // Clocks of agent and cluster differ a little; a beat "from the future" is fresh.
        Assert.Equal(HostStatus.Up, HostHealth.Evaluate(Beat.AddMilliseconds(200), Beat, Options));
    }

    [Fact]
    public void Evaluate_LongerIntervalAndMoreMisses_BoundariesScale()
    {
        var options = new FailoverOptions { HeartbeatInterval = TimeSpan.FromSeconds(10), MissedHeartbeats = 5, IsolationTimeout = TimeSpan.FromSeconds(30) };

        Assert.Equal(HostStatus.Up, HostHealth.Evaluate(Beat, Beat.AddSeconds(15), options));
        Assert.Equal(HostStatus.Suspect, HostHealth.Evaluate(Beat, Beat.AddSeconds(16), options));
        Assert.Equal(HostStatus.Suspect, HostHealth.Evaluate(Beat, Beat.AddSeconds(49), options));
        Assert.Equal(HostStatus.Down, HostHealth.Evaluate(Beat, Beat.AddSeconds(50), options));
    }

    [Theory]
    [InlineData(HostStatus.Maintenance)]
    [InlineData(HostStatus.Down)]
    public void Evaluate_Pinned_StaysPinnedEvenWithFreshHeartbeat(HostStatus pinned)
    {
        Assert.Equal(pinned, HostHealth.Evaluate(Beat, Beat, Options, pinned));
        Assert.Equal(pinned, HostHealth.Evaluate(null, Beat, Options, pinned));
    }
}
