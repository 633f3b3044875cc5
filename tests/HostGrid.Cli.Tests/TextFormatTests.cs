using HostGrid.Api.V1;
using HostGrid.Cli.Output;

namespace HostGrid.Cli.Tests;

public sealed class TextFormatTests
{
    [Theory]
    [InlineData(-1, "never")]
    [InlineData(0, "0.0s ago")]
    [InlineData(0.42, "0.4s ago")]
    [InlineData(59.99, "59.9s ago")]
    [InlineData(192, "3m12s ago")]
    [InlineData(7500, "2h05m ago")]
    [InlineData(273600, "3d04h ago")]
    public void HeartbeatAge_FormatsSecondsForPeople(double seconds, string expected) =>
        Assert.Equal(expected, TextFormat.HeartbeatAge(seconds));

    [Theory]
    [InlineData(3.5, "3.5s")]
    [InlineData(5.25, "5.3s")]
    [InlineData(0, "0.0s")]
    [InlineData(-2, "0.0s")]
    [InlineData(59.96, "1m00s")]
    [InlineData(192, "3m12s")]
    [InlineData(7500, "2h05m")]
    [InlineData(273600, "3d04h")]
    public void Duration_FormatsSpansForPeople(double seconds, string expected) =>
        Assert.Equal(expected, TextFormat.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Duration_BetweenTimestamps_NullWhenEitherIsUnset()
    {
        var start = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch);
        var end = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddSeconds(3.5));

        Assert.Equal("3.5s", TextFormat.Duration(start, end));
        Assert.Null(TextFormat.Duration(start, null));
        Assert.Null(TextFormat.Duration(null, end));
    }

    [Fact]
    public void Age_SinceTimestamp_FutureIsZeroUnsetIsDash()
    {
        var now = new DateTimeOffset(2025, 1, 1, 0, 3, 12, TimeSpan.Zero);
        var then = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal("3m12s ago", TextFormat.Age(then, now));
        Assert.Equal("0.0s ago", TextFormat.Age(then, now.AddMinutes(-5)));
        Assert.Equal("-", TextFormat.Age(null, now));
    }

    [Theory]
    [InlineData(0.52, "█████░░░░░ 52%")]
    [InlineData(0, "░░░░░░░░░░ 0%")]
    [InlineData(1, "██████████ 100%")]
    [InlineData(1.3, "██████████ 130%")]
    [InlineData(-0.1, "░░░░░░░░░░ -10%")]
    public void Bar_DrawsTenCellsAndThePercentage(double fraction, string expected) =>
        Assert.Equal(expected, TextFormat.Bar(fraction));

    [Fact]
    public void Fraction_NoCapacity_IsZero() => Assert.Equal(0, TextFormat.Fraction(5, 0));

    [Fact]
    public void Labels_AreSortedByKey_OrDash()
    {
        Assert.Equal("a=1,b=2", TextFormat.Labels(new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }));
        Assert.Equal("-", TextFormat.Labels(new Dictionary<string, string>()));
    }

    [Fact]
    public void Names_AreLowerCaseWithoutPrefix()
    {
        Assert.Equal("maintenance", TextFormat.Name(HostStatus.Maintenance));
        Assert.Equal("migrating", TextFormat.Name(VmState.Migrating));
        Assert.Equal("-", TextFormat.Name(VmState.Unspecified));
        Assert.Equal("running", TextFormat.StateKey("VM_STATE_RUNNING"));
    }

    [Fact]
    public void Names_OfFailoverEnums_AreKebabCase()
    {
        Assert.Equal("missed-heartbeats", TextFormat.Name(FailureCause.MissedHeartbeats));
        Assert.Equal("awaiting-fence", TextFormat.Name(FailoverPhase.AwaitingFence));
        Assert.Equal("not-on-host", TextFormat.Name(VmFailoverResult.NotOnHost));
        Assert.Equal("-", TextFormat.Name(FailoverPhase.Unspecified));
    }

    [Fact]
    public void Name_RestartPriority_UnspecifiedReadsMedium()
    {
        Assert.Equal("medium", TextFormat.Name(RestartPriority.Unspecified));
        Assert.Equal("disabled", TextFormat.Name(RestartPriority.Disabled));
    }
}
