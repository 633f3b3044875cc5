using System.Text;
using HostGrid.Contracts.Errors;

namespace HostGrid.Gateway.Api;

/// <summary>List paging: a token is the opaque form of the last id returned; lists are in id order.</summary>
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
}
