using HostGrid.Core.Placement;

namespace HostGrid.Core.Tests.Placement;

public sealed class RequiredLabelsFilterTests
{
    private readonly RequiredLabelsFilter _filter = new();

    [Fact]
    public void Reject_NoRequiredLabels_HostWithoutLabelsPasses()
    {
        Assert.Null(_filter.Reject(Specs.Request(Specs.Sized()), HostBuilder.Host("hv-1")));
    }

    [Fact]
    public void Reject_HostCarriesEveryRequiredLabel_Passes()
    {
        var request = Specs.Request(Specs.Sized(requiredLabels: new() { ["zone"] = "a", ["ssd"] = "true" }));
        var host = HostBuilder.Host("hv-1").WithLabel("zone", "a").WithLabel("ssd", "true").WithLabel("rack", "7");

        Assert.Null(_filter.Reject(request, host));
    }

    [Fact]
    public void Reject_HostLacksALabel_ReasonNamesTheMissingLabel()
    {
        var request = Specs.Request(Specs.Sized(requiredLabels: new() { ["zone"] = "a", ["ssd"] = "true" }));
        var host = HostBuilder.Host("hv-1").WithLabel("zone", "a");

        Assert.Equal("lacks label ssd=true", _filter.Reject(request, host));
    }

    [Fact]
    public void Reject_HostHasLabelWithOtherValue_ReasonNamesTheWantedValue()
    {
        var request = Specs.Request(Specs.Sized(requiredLabels: new() { ["zone"] = "a" }));
        var host = HostBuilder.Host("hv-1").WithLabel("zone", "b");

        Assert.Equal("lacks label zone=a", _filter.Reject(request, host));
    }

    [Fact]
    public void Reject_LabelValueDiffersOnlyInCase_Rejected()
    {
        var request = Specs.Request(Specs.Sized(requiredLabels: new() { ["zone"] = "a" }));
        var host = HostBuilder.Host("hv-1").WithLabel("zone", "A");

        Assert.Equal("lacks label zone=a", _filter.Reject(request, host));
    }
}
