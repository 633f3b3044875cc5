using HostGrid.Core.Placement;

namespace HostGrid.Core.Tests.Placement;

public sealed class CapacityFilterTests
{
    private readonly CapacityFilter _filter = new();

    [Fact]
    public void Reject_FitsExactlyInFreeCapacity_Passes()
    {
        var host = HostBuilder.Host("hv-1").WithCapacity(4, 4096, 100).WithGuest("old-1", 2, 1024, 40);

        Assert.Null(_filter.Reject(Specs.Request(Specs.Sized(2, 3072, 60)), host));
    }

    [Fact]
    public void Reject_TooFewFreeVcpus_ReasonGivesFreeAndWanted()
    {
        // Capacity alone would fit 4 vCPUs; free is capacity minus what is allocated.
        var host = HostBuilder.Host("hv-1").WithCapacity(4, 65536, 1000).WithGuest("old-1", 3, 512);

        var reason = _filter.Reject(Specs.Request(Specs.Sized(vcpus: 2)), host);

        Assert.Equal("insufficient vCPUs (free 1, wanted 2)", reason);
    }

    [Fact]
    public void Reject_TooLittleFreeMemory_ReasonGivesMiB()
    {
        var host = HostBuilder.Host("hv-1").WithCapacity(16, 4096, 1000).WithGuest("old-1", 1, 3584);

        var reason = _filter.Reject(Specs.Request(Specs.Sized(memoryMib: 1024)), host);

        Assert.Equal("insufficient memory (free 512 MiB, wanted 1024 MiB)", reason);
    }

    [Fact]
    public void Reject_TooLittleFreeDisk_ReasonGivesGiB()
    {
        var host = HostBuilder.Host("hv-1").WithCapacity(16, 65536, 100).WithGuest("old-1", 1, 512, 95);

        var reason = _filter.Reject(Specs.Request(Specs.Sized(diskGib: 10)), host);

        Assert.Equal("insufficient disk (free 5 GiB, wanted 10 GiB)", reason);
    }

    [Fact]
    public void Reject_GuestAlreadyReservedOnFullHost_Passes()
    {
        // A retried placement: the guest's own reservation is what fills the host.
        var host = HostBuilder.Host("hv-1").WithCapacity(2, 1024, 10).WithGuest("web-1", 2, 1024, 10);

        Assert.Null(_filter.Reject(Specs.Request("web-1", Specs.Sized(2, 1024, 10)), host));
    }

    [Fact]
    public void Reject_OtherGuestFillsHost_Rejected()
    {
        var host = HostBuilder.Host("hv-1").WithCapacity(2, 1024, 10).WithGuest("web-2", 2, 1024, 10);

        Assert.NotNull(_filter.Reject(Specs.Request("web-1", Specs.Sized(1, 512, 5)), host));
    }
}
