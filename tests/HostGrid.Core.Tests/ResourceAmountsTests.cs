namespace HostGrid.Core.Tests;

public sealed class ResourceAmountsTests
{
    [Fact]
    public void Add_TwoAmounts_AddsEachResource()
    {
        Assert.Equal(new ResourceAmounts(3, 1536, 30), new ResourceAmounts(1, 512, 10) + new ResourceAmounts(2, 1024, 20));
    }

    [Fact]
    public void Subtract_TwoAmounts_SubtractsEachResource()
    {
        Assert.Equal(new ResourceAmounts(6, 3072, 70), new ResourceAmounts(8, 4096, 100) - new ResourceAmounts(2, 1024, 30));
    }

    [Fact]
    public void Subtract_MoreThanAvailable_GoesNegativeRatherThanClamping()
    {
        Assert.Equal(new ResourceAmounts(-1, -512, -5), new ResourceAmounts(1, 512, 5) - new ResourceAmounts(2, 1024, 10));
    }

    [Fact]
    public void Zero_AddedToAmount_LeavesItUnchanged()
    {
        var amount = new ResourceAmounts(4, 8192, 40);

        Assert.Equal(amount, amount + ResourceAmounts.Zero);
        Assert.Equal(new ResourceAmounts(0, 0, 0), ResourceAmounts.Zero);
    }

    [Theory]
    [InlineData(4, 8192, 100, true)]
    [InlineData(3, 4096, 50, true)]
    [InlineData(5, 8192, 100, false)]
    [InlineData(4, 8193, 100, false)]
    [InlineData(4, 8192, 101, false)]
    public void FitsWithin_EachResourceAgainstLimit_OnlyWhenAllFit(int vcpus, long memoryMib, long diskGib, bool fits)
    {
        Assert.Equal(fits, new ResourceAmounts(vcpus, memoryMib, diskGib).FitsWithin(new ResourceAmounts(4, 8192, 100)));
    }

    [Fact]
    public void Free_HostSnapshot_IsCapacityMinusAllocated()
    {
        HostSnapshot host = HostBuilder.Host("hv-1").WithCapacity(16, 65536, 1000).WithGuest("a", 2, 2048, 20).WithGuest("b", 4, 4096, 40);

        Assert.Equal(new ResourceAmounts(6, 6144, 60), host.Allocated);
        Assert.Equal(new ResourceAmounts(10, 59392, 940), host.Free);
    }
}
