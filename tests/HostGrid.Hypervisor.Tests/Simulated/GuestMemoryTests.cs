using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Tests.Simulated;

public sealed class GuestMemoryTests
{
    private static readonly VmId Vm = new("web-1");

    [Fact]
    public void Constructor_FourGiB_MillionPagesAllAtVersionZero()
    {
        var memory = new GuestMemory(Vm, 4096);

        Assert.Equal(1 << 20, memory.PageCount);
        Assert.Equal(4L << 30, memory.Bytes);
        Assert.Equal(0, memory.DirtyCount());
    }

    [Fact]
    public void CollectDirty_AfterWrites_AscendingOnceThenEmpty()
    {
        var memory = new GuestMemory(Vm, 1);
        memory.Write([200, 3, 64, 3]);

        Assert.Equal([3, 64, 200], memory.CollectDirty());
        Assert.Empty(memory.CollectDirty());
        Assert.Equal(2, memory.Version(3));
    }

    [Fact]
    public void WriteUntracked_RaisesVersionWithoutDirtying()
    {
        var memory = new GuestMemory(Vm, 1);

        memory.WriteUntracked(7);

        Assert.Equal((1L, 0), (memory.Version(7), memory.DirtyCount()));
    }

    [Fact]
    public void PageContent_FilledPage_MatchesOnlyItsIndexAndVersion()
    {
        var seed = PageContent.Seed(Vm);
        var page = new byte[PageContent.PageSize];

        PageContent.Fill(page, seed, 12, 3);

        Assert.True(PageContent.Matches(page, seed, 12, 3));
        Assert.False(PageContent.Matches(page, seed, 12, 2));
        Assert.False(PageContent.Matches(page, seed, 13, 3));
        Assert.False(PageContent.Matches(page, PageContent.Seed(new VmId("web-2")), 12, 3));
        page[4000] ^= 1;
        Assert.False(PageContent.Matches(page, seed, 12, 3));
    }

    [Fact]
    public void Checksum_DiffersWhenOneVersionDiffers()
    {
        var a = GuestMemory.FromVersions(Vm, [1, 2, 3, 4]);
        var b = GuestMemory.FromVersions(Vm, [1, 2, 4, 4]);
        var c = GuestMemory.FromVersions(Vm, [1, 2, 3, 4]);

        Assert.NotEqual(a.Checksum(), b.Checksum());
        Assert.Equal(a.Checksum(), c.Checksum());
    }

    [Fact]
    public void Checksum_AfterWrites_EqualsDigestOfTheTableComputedAfresh()
    {
        var memory = new GuestMemory(Vm, 1);
        memory.Write([5, 9, 5, 200]);
        memory.WriteUntracked(9);

        Assert.Equal(PageContent.Digest(memory.Seed, memory.Versions()), memory.Checksum());
        Assert.Equal(GuestMemory.FromVersions(Vm, memory.Versions()).Checksum(), memory.Checksum());
    }

    [Fact]
    public void Incoming_ReceivedEveryPage_NoneMissingAndDigestEqualsSource()
    {
        var source = new GuestMemory(Vm, 1);
        source.Write([3, 3, 100]);
        var incoming = GuestMemory.Incoming(Vm, 1);
        Assert.Equal((256, 0), (incoming.Missing, incoming.FirstMissing()));

        for (var page = 0; page < source.PageCount; page++)
        {
            incoming.Receive(page, page == 100 ? 0 : source.Version(page)); // page 100 first at an older version
        }

        Assert.Equal((0, -1), (incoming.Missing, incoming.FirstMissing()));
        Assert.NotEqual(source.Checksum(), incoming.Checksum());
        incoming.Receive(100, source.Version(100));
        Assert.Equal(source.Checksum(), incoming.Checksum());
        Assert.Equal(0, incoming.DirtyCount());
    }

    [Fact]
    public void Incoming_PageNeverReceived_CountedAndNamed()
    {
        var incoming = GuestMemory.Incoming(Vm, 1);
        for (var page = 0; page < incoming.PageCount; page++)
        {
            if (page != 42)
            {
                incoming.Receive(page, 0);
            }
        }

        Assert.Equal((1, 42), (incoming.Missing, incoming.FirstMissing()));
    }

    [Fact]
    public void Seed_SameIdInAnyProcess_Stable() =>
        Assert.Equal(PageContent.Seed(new VmId("web-1")), PageContent.Seed(new VmId(string.Concat("web-", "1"))));
}
