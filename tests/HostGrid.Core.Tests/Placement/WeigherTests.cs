using HostGrid.Core.Placement;

namespace HostGrid.Core.Tests.Placement;

public sealed class WeigherTests
{
    private static readonly HostSnapshot Empty = HostBuilder.Host("hv-empty").WithCapacity(16, 65536, 1000);
    private static readonly HostSnapshot Half = HostBuilder.Host("hv-half").WithCapacity(16, 65536, 1000).WithGuest("old-1", 8, 32768);
    private static readonly HostSnapshot Full = HostBuilder.Host("hv-full").WithCapacity(16, 65536, 1000).WithGuest("old-2", 14, 61440);

    [Fact]
    public void SpreadWeigh_ThreeHosts_EmptiestScoresHighest()
    {
        var request = Specs.Request(Specs.Sized(2, 4096));
        var weigher = new SpreadWeigher();

        var empty = weigher.Weigh(request, Empty);
        var half = weigher.Weigh(request, Half);
        var full = weigher.Weigh(request, Full);

        Assert.True(empty > half && half > full, $"spread scores: empty {empty}, half {half}, full {full}");
    }

    [Fact]
    public void SpreadWeigh_EmptyHost_ScoreIsFreeShareAfterPlacing()
    {
        // After a 4-vCPU, 16 GiB guest on a 16-vCPU, 64 GiB host: 3/4 of CPU and 3/4 of memory free.
        var score = new SpreadWeigher().Weigh(Specs.Request(Specs.Sized(4, 16384)), Empty);

        Assert.Equal(0.75, score, precision: 10);
    }

    [Fact]
    public void SpreadWeigh_SmallerEmptyHostAgainstLargerBusyHost_ComparesShareNotAbsoluteFree()
    {
        var small = HostBuilder.Host("hv-small").WithCapacity(8, 16384, 100).Build();
        var large = HostBuilder.Host("hv-large").WithCapacity(64, 262144, 1000).WithGuest("old-1", 48, 196608).Build();
        var request = Specs.Request(Specs.Sized(1, 1024));
        var weigher = new SpreadWeigher();

        Assert.True(weigher.Weigh(request, small) > weigher.Weigh(request, large));
    }

    [Fact]
    public void PackWeigh_ThreeHosts_FullestScoresHighest()
    {
        var request = Specs.Request(Specs.Sized(2, 4096));
        var weigher = new PackWeigher();

        var empty = weigher.Weigh(request, Empty);
        var half = weigher.Weigh(request, Half);
        var full = weigher.Weigh(request, Full);

        Assert.True(full > half && half > empty, $"pack scores: empty {empty}, half {half}, full {full}");
    }

    [Fact]
    public void PackWeigh_AnyHost_IsSpreadNegated()
    {
        var request = Specs.Request(Specs.Sized(2, 4096));

        Assert.Equal(-new SpreadWeigher().Weigh(request, Half), new PackWeigher().Weigh(request, Half));
    }
}
