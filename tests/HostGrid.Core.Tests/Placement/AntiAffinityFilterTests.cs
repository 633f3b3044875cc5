using HostGrid.Core.Placement;

namespace HostGrid.Core.Tests.Placement;

public sealed class AntiAffinityFilterTests
{
    private readonly AntiAffinityFilter _filter = new();

    [Fact]
    public void Reject_SameGroupAlreadyOnHost_ReasonNamesGroupAndGuest()
    {
        var request = Specs.Request("db-2", Specs.Sized(group: "db"));
        var host = HostBuilder.Host("hv-1").WithGuest("db-1", 1, 512, group: "db");

        Assert.Equal("anti-affinity group 'db' already has db-1 here", _filter.Reject(request, host));
    }

    [Fact]
    public void Reject_OtherGroupOnHost_Passes()
    {
        var request = Specs.Request("db-2", Specs.Sized(group: "db"));
        var host = HostBuilder.Host("hv-1").WithGuest("web-1", 1, 512, group: "web");

        Assert.Null(_filter.Reject(request, host));
    }

    [Fact]
    public void Reject_GuestsWithoutGroupOnHost_Passes()
    {
        var request = Specs.Request("db-2", Specs.Sized(group: "db"));
        var host = HostBuilder.Host("hv-1").WithGuest("web-1", 1, 512);

        Assert.Null(_filter.Reject(request, host));
    }

    [Fact]
    public void Reject_RequestHasNoGroup_PassesEvenBesideGroupedGuests()
    {
        var request = Specs.Request("web-2", Specs.Sized());
        var host = HostBuilder.Host("hv-1").WithGuest("db-1", 1, 512, group: "db");

        Assert.Null(_filter.Reject(request, host));
    }

    [Fact]
    public void Reject_TheGuestItselfAlreadyReservedHere_DoesNotClash()
    {
        var request = Specs.Request("db-1", Specs.Sized(group: "db"));
        var host = HostBuilder.Host("hv-1").WithGuest("db-1", 1, 512, group: "db");

        Assert.Null(_filter.Reject(request, host));
    }

    [Fact]
    public void Reject_ItselfAndAnotherOfTheGroupHere_ReasonNamesTheOther()
    {
        var request = Specs.Request("db-1", Specs.Sized(group: "db"));
        var host = HostBuilder.Host("hv-1")
            .WithGuest("db-1", 1, 512, group: "db")
            .WithGuest("db-3", 1, 512, group: "db");

        Assert.Equal("anti-affinity group 'db' already has db-3 here", _filter.Reject(request, host));
    }
}
