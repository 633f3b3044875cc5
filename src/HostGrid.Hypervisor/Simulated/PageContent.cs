using System.Runtime.InteropServices;

namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// The content of a simulated guest page, derived from (guest, page index, version): the page is one 64-bit pattern repeated,
/// so it is filled and checked with vectorised span operations at memory speed, and any lost, stale or mixed-up page shows.
/// </summary>
internal static class PageContent
{
    public const int PageSize = 4096;
    public const int PagesPerMib = 1024 * 1024 / PageSize;

    /// <summary>A guest's seed: a stable hash of its id (the same in every process, unlike string.GetHashCode).</summary>
    public static ulong Seed(VmId vmId)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in vmId.Value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    public static ulong Pattern(ulong seed, int page, long version) =>
        Mix(seed ^ ((ulong)page * 0x9E3779B97F4A7C15UL) ^ ((ulong)version * 0xC2B2AE3D27D4EB4FUL));

    public static void Fill(Span<byte> page, ulong seed, int index, long version) =>
        MemoryMarshal.Cast<byte, ulong>(page).Fill(Pattern(seed, index, version));

    /// <summary>Whether <paramref name="page"/> holds exactly the content of <paramref name="index"/> at <paramref name="version"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> page, ulong seed, int index, long version) =>
        page.Length == PageSize && MemoryMarshal.Cast<byte, ulong>(page).IndexOfAnyExcept(Pattern(seed, index, version)) < 0;

    /// <summary>
    /// A page's share of a version table's digest: the digest of a table is the sum (mod 2^64) of its pages' shares, so either end
    /// keeps it up to date in O(1) per page written or received, and compares it at switch-over without reading the table.
    /// It names the page and the version, so a lost, stale or misplaced page changes it (but for a 2^-64 chance).
    /// </summary>
    public static ulong DigestTerm(ulong seed, int page, long version) => Mix(Pattern(seed, page, version) + 0x632BE59BD9B4E019UL);

    /// <summary>The digest of a whole table, computed afresh (for tests and new guests; the migration keeps it incrementally).</summary>
    public static ulong Digest(ulong seed, ReadOnlySpan<long> versions)
    {
        var digest = 0UL;
        for (var page = 0; page < versions.Length; page++)
        {
            digest += DigestTerm(seed, page, versions[page]);
        }

        return digest;
    }

    // splitmix64's finaliser: cheap and well mixed.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
