using HostGrid.Gateway.Api;

namespace HostGrid.Gateway.Tests.Api;

public sealed class PageTokenTests
{
    private static readonly List<string> Ids = Enumerable.Range(0, 250).Select(i => $"vm-{i:D3}").Reverse().ToList();

    [Theory]
    [InlineData(0, PageToken.DefaultPageSize)]
    [InlineData(1, 1)]
    [InlineData(250, 250)]
    [InlineData(PageToken.MaxPageSize, PageToken.MaxPageSize)]
    [InlineData(PageToken.MaxPageSize + 1, PageToken.MaxPageSize)]
    [InlineData(int.MaxValue, PageToken.MaxPageSize)]
    public void Size_Requested_DefaultWhenZeroCappedAtMax(int requested, int expected)
    {
        Assert.Equal(expected, PageToken.Size(requested));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Size_Negative_InvalidSpecNamingPageSize(int requested)
    {
        var error = Assert.Throws<InvalidSpecException>(() => PageToken.Size(requested));

        Assert.Equal("page_size", error.Field);
        Assert.Contains($"(got {requested})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Take_NegativeSize_InvalidSpecNamingPageSize()
    {
        Assert.Equal("page_size", Assert.Throws<InvalidSpecException>(() => PageToken.Take(Ids, id => id, "", -5)).Field);
    }

    [Theory]
    [InlineData("!!!not base64!!!")]
    [InlineData("abc")]
    [InlineData("====")]
    public void Take_GarbageToken_InvalidSpecNamingPageToken(string token)
    {
        var error = Assert.Throws<InvalidSpecException>(() => PageToken.Take(Ids, id => id, token, 10));

        Assert.Equal("page_token", error.Field);
    }

    [Fact]
    public void After_EmptyToken_StartsFromTheBeginning()
    {
        Assert.Null(PageToken.After(""));
    }

    [Fact]
    public void After_TokenFor_RoundTripsTheId()
    {
        Assert.Equal("web-1", PageToken.After(PageToken.For("web-1")));
    }

    [Fact]
    public void Take_250IdsBy100_ThreePagesInIdOrderNoDuplicatesNoGapsLastTokenEmpty()
    {
        var pages = new List<List<string>>();
        var token = "";
        do
        {
            var (page, next) = PageToken.Take(Ids, id => id, token, 100);
            pages.Add(page);
            token = next;
            Assert.True(pages.Count <= 10, "paging did not end");
        }
        while (token != "");

        Assert.Equal([100, 100, 50], pages.Select(p => p.Count));
        Assert.Equal(Ids.Order(StringComparer.Ordinal), pages.SelectMany(p => p));
    }

    [Fact]
    public void Take_ExactlyOneFullPage_NoNextToken()
    {
        var (page, next) = PageToken.Take(Ids.Take(100), id => id, "", 100);

        Assert.Equal(100, page.Count);
        Assert.Equal("", next);
    }

    [Fact]
    public void Take_NoItems_EmptyPageNoToken()
    {
        var (page, next) = PageToken.Take(Array.Empty<string>(), id => id, "", 0);

        Assert.Empty(page);
        Assert.Equal("", next);
    }

    [Fact]
    public void Take_ItemRemovedBetweenPages_NextPageContinuesAfterIt()
    {
        var (first, token) = PageToken.Take(Ids, id => id, "", 100);
        var remaining = Ids.Where(id => id != first[^1]).ToList();

        var (second, _) = PageToken.Take(remaining, id => id, token, 100);

        Assert.Equal("vm-100", second[0]);
    }

    [Fact]
    public void Take_ItemsOfAnotherType_PagedByTheirId()
    {
        var hosts = new[] { new HostId("hv-3"), new HostId("hv-1"), new HostId("hv-2") };

        var (page, next) = PageToken.Take(hosts, h => h.Value, "", 2);
        var (rest, last) = PageToken.Take(hosts, h => h.Value, next, 2);

        Assert.Equal(["hv-1", "hv-2"], page.Select(h => h.Value));
        Assert.Equal(["hv-3"], rest.Select(h => h.Value));
        Assert.Equal("", last);
    }

    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TakeNewestFirst_SameTime_TiesByIdDescendingAcrossPages()
    {
        var items = new[] { ("a", Start), ("c", Start), ("b", Start), ("d", Start.AddSeconds(1)) };

        var (first, token) = PageToken.TakeNewestFirst(items, i => i.Item2, i => i.Item1, "", 2);
        var (second, last) = PageToken.TakeNewestFirst(items, i => i.Item2, i => i.Item1, token, 2);

        Assert.Equal(["d", "c"], first.Select(i => i.Item1));
        Assert.Equal(["b", "a"], second.Select(i => i.Item1));
        Assert.Equal("", last);
    }

    [Theory]
    [InlineData("!!!not base64!!!")]
    [InlineData("d2ViLTE=")] // "web-1": an id-order token, not a newest-first one
    [InlineData("L3dlYi0x")] // "/web-1": no time
    public void TakeNewestFirst_ForeignOrGarbageToken_InvalidSpecNamingPageToken(string token)
    {
        var error = Assert.Throws<InvalidSpecException>(() => PageToken.TakeNewestFirst([Start], t => t, t => "x", token, 10));

        Assert.Equal("page_token", error.Field);
    }

    [Fact]
    public void TakeNewestFirst_NegativeSize_InvalidSpecNamingPageSize()
    {
        Assert.Equal("page_size", Assert.Throws<InvalidSpecException>(() => PageToken.TakeNewestFirst([Start], t => t, t => "x", "", -1)).Field);
    }
}
