using HostGrid.Core.Failover;

namespace HostGrid.Core.Tests.Failover;

public sealed class FailoverOptionsValidatorTests
{
    private readonly FailoverOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = _validator.Validate(null, new FailoverOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_Defaults_AreTheDocumentedConstants()
    {
        var options = new FailoverOptions();

        Assert.Equal(TimeSpan.FromSeconds(FailoverOptions.DefaultHeartbeatIntervalSeconds), options.HeartbeatInterval);
        Assert.Equal(FailoverOptions.DefaultMissedHeartbeats, options.MissedHeartbeats);
        Assert.Equal(TimeSpan.FromSeconds(FailoverOptions.DefaultIsolationTimeoutSeconds), options.IsolationTimeout);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_HeartbeatIntervalNotPositive_FailureNamesHeartbeatInterval(int seconds)
    {
        var result = _validator.Validate(null, new FailoverOptions { HeartbeatInterval = TimeSpan.FromSeconds(seconds) });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("HostGrid:Failover:HeartbeatInterval must be positive", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Validate_MissedHeartbeatsBelowOne_FailureNamesMissedHeartbeats(int missed)
    {
        var result = _validator.Validate(null, new FailoverOptions { MissedHeartbeats = missed });

        var failure = Assert.Single(result.Failures!);
        Assert.Equal($"HostGrid:Failover:MissedHeartbeats must be at least 1 (got {missed}).", failure);
    }

    [Fact]
    public void Validate_IsolationTimeoutUnderTwoIntervals_FailureNamesIsolationTimeout()
    {
        var result = _validator.Validate(null, new FailoverOptions
        {
            HeartbeatInterval = TimeSpan.FromSeconds(2),
            IsolationTimeout = TimeSpan.FromSeconds(3),
        });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("HostGrid:Failover:IsolationTimeout", failure, StringComparison.Ordinal);
        Assert.Contains("00:00:04", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IsolationTimeoutExactlyTwoIntervals_Succeeds()
    {
        var result = _validator.Validate(null, new FailoverOptions
        {
            HeartbeatInterval = TimeSpan.FromSeconds(2),
            IsolationTimeout = TimeSpan.FromSeconds(4),
        });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_SeveralBadSettings_OneFailureEach()
    {
        var result = _validator.Validate(null, new FailoverOptions
        {
            HeartbeatInterval = TimeSpan.FromSeconds(5),
            MissedHeartbeats = 0,
            IsolationTimeout = TimeSpan.FromSeconds(1),
        });

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("MissedHeartbeats", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("IsolationTimeout", StringComparison.Ordinal));
    }
}
