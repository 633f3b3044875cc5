using System.Globalization;
using System.Text;
using HostGrid.Contracts.Errors;

namespace HostGrid.Gateway.Api;

/// <summary>
/// List paging: a token is the opaque form of the last item returned. Lists are in id order, or newest first
/// for history (<see cref="TakeNewestFirst"/>), so items added meanwhile never shift a later page.
/// </summary>
public static class PageToken
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static int Size(int requested) => requested switch
    {
        < 0 => throw new InvalidSpecException("page_size", $"must not be negative (got {requested})"),
        0 => DefaultPageSize,
        _ => Math.Min(requested, MaxPageSize),
    };

    public static string? After(string token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new InvalidSpecException("page_token", "not a token returned by a previous list call");
        }
    }

    public static string For(string lastId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastId));

    /// <summary>One page of items in id order after the token, and the token for the next page (empty on the last).</summary>
    public static (List<T> Page, string Next) Take<T>(IEnumerable<T> items, Func<T, string> id, string token, int requestedSize)
    {
        var size = Size(requestedSize);
        var after = After(token);
        var page = items
            .Where(i => after is null || string.CompareOrdinal(id(i), after) > 0)
            .OrderBy(id, StringComparer.Ordinal)
            .Take(size + 1)
            .ToList();
        if (page.Count <= size)
        {
            return (page, "");
        }

        page.RemoveAt(size);
        return (page, For(id(page[^1])));
    }

    /// <summary>
    /// One page of items newest first (ties by id, descending) after the token, and the token for the next page
    /// (empty on the last). The token holds the last item's time and id, so newer items do not shift later pages.
    /// </summary>
    public static (List<T> Page, string Next) TakeNewestFirst<T>(IEnumerable<T> items, Func<T, DateTimeOffset> time, Func<T, string> id, string token, int requestedSize)
    {
        var size = Size(requestedSize);
        var after = AfterNewest(token);
        var page = items
            .Where(i => after is not { } last || IsOlder(time(i).UtcTicks, id(i), last.Ticks, last.Id))
            .OrderByDescending(i => time(i).UtcTicks)
            .ThenByDescending(id, StringComparer.Ordinal)
            .Take(size + 1)
            .ToList();
        if (page.Count <= size)
        {
            return (page, "");
        }

        page.RemoveAt(size);
        var end = page[^1];
        return (page, For(string.Create(CultureInfo.InvariantCulture, $"{time(end).UtcTicks}/{id(end)}")));
    }

    private static (long Ticks, string Id)? AfterNewest(string token)
    {
        if (After(token) is not { } text)
        {
            return null;
        }

        var separator = text.IndexOf('/', StringComparison.Ordinal);
        return separator > 0 && long.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? (ticks, text[(separator + 1)..])
            : throw new InvalidSpecException("page_token", "not a token returned by a previous list call");
    }

    private static bool IsOlder(long ticks, string id, long lastTicks, string lastId) =>
        ticks < lastTicks || (ticks == lastTicks && string.CompareOrdinal(id, lastId) < 0);
}
