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
}
