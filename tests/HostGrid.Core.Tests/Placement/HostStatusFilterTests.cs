using HostGrid.Core.Placement;

namespace HostGrid.Core.Tests.Placement;

public sealed class HostStatusFilterTests
{
    private readonly HostStatusFilter _filter = new();

    [Fact]
    public void Reject_HostUp_Passes()
    {
        Assert.Null(_filter.Reject(Specs.Request(Specs.Sized()), HostBuilder.Host("hv-1").WithStatus(HostStatus.Up)));
    }

    [Theory]
    [InlineData(HostStatus.Joining, "host is Joining")]
    [InlineData(HostStatus.Suspect, "host is Suspect")]
    [InlineData(HostStatus.Down, "host is Down")]
    [InlineData(HostStatus.Maintenance, "host is Maintenance")]
    public void Reject_HostNotUp_ReasonNamesTheStatus(HostStatus status, string expected)
    {
        var reason = _filter.Reject(Specs.Request(Specs.Sized()), HostBuilder.Host("hv-1").WithStatus(status));

        Assert.Equal(expected, reason);
    }
}
