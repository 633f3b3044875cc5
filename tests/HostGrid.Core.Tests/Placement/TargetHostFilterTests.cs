using HostGrid.Core.Placement;

namespace HostGrid.Core.Tests.Placement;

public sealed class TargetHostFilterTests
{
    private readonly TargetHostFilter _filter = new();

    [Fact]
    public void Reject_NoTargetHost_EveryHostPasses()
    {
        var request = Specs.Request(Specs.Sized());

        Assert.Null(_filter.Reject(request, HostBuilder.Host("hv-1")));
        Assert.Null(_filter.Reject(request, HostBuilder.Host("hv-2")));
    }

    [Fact]
    public void Reject_TargetIsThisHost_Passes()
    {
        var request = Specs.Request(Specs.Sized(target: "hv-2"));

        Assert.Null(_filter.Reject(request, HostBuilder.Host("hv-2")));
    }

    [Fact]
    public void Reject_TargetIsAnotherHost_ReasonNamesTheRequestedHost()
    {
        var request = Specs.Request(Specs.Sized(target: "hv-2"));

        var reason = _filter.Reject(request, HostBuilder.Host("hv-1"));

        Assert.Equal("not the requested host hv-2", reason);
        Assert.Equal("target-host", _filter.Name);
    }
}
