using System.IO.Hashing;
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
    /// A 64-bit checksum of a version table (XXH3 over its bytes: order-sensitive, and fast enough for a million pages inside
    /// the switch-over), compared by both ends at switch-over.
    /// </summary>
    public static ulong Checksum(ReadOnlySpan<long> versions) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(versions));

    // splitmix64's finaliser: cheap and well mixed.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
