using System.Buffers.Binary;
using System.Globalization;

namespace HostGrid.Hypervisor.Qemu.TestGuest;

/// <summary>
/// Checks every working-set page of the test guest against its generation table, from RAM dumps (QMP pmemsave of
/// <see cref="TestGuestLayout.GenerationTableAddress"/> and <see cref="TestGuestLayout.WorkingSetAddress"/>) taken
/// while the guest was stopped. A page that moved wrong in a migration (stale, lost or from elsewhere) fails.
/// </summary>
public static class TestGuestMemoryCheck
{
    /// <summary>Checks the pages the status block says the guest has, tolerating its page in flight.</summary>
    public static TestGuestMemoryCheckResult Verify(
        TestGuestStatus status, ReadOnlySpan<byte> generationTable, ReadOnlySpan<byte> workingSet)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.IsReady)
        {
            return Failed("the status block is not a ready test guest's (magic, version or ready flag missing)");
        }

        var tableBytes = TestGuestLayout.GenerationTableSize(checked((int)status.WorkingSetPages));
        if (generationTable.Length < tableBytes)
        {
            return Failed($"generation table dump has {generationTable.Length} bytes, the guest has {status.WorkingSetPages} pages ({tableBytes} bytes)");
        }

        return Verify(generationTable[..tableBytes], workingSet, status.PageInFlight);
    }

    /// <summary>
    /// Checks one page per u32 of <paramref name="generationTable"/>. <paramref name="pageInFlight"/> is the page the
    /// guest was rewriting when it was stopped: its words may be a mix of its generation and the next one.
    /// </summary>
    public static TestGuestMemoryCheckResult Verify(
        ReadOnlySpan<byte> generationTable, ReadOnlySpan<byte> workingSet, uint? pageInFlight = null)
    {
        if (generationTable.Length % sizeof(uint) != 0)
        {
            return Failed($"generation table dump has {generationTable.Length} bytes, not a multiple of 4");
        }

        var pages = generationTable.Length / sizeof(uint);
        if (workingSet.Length < TestGuestLayout.WorkingSetSize(pages))
        {
            return Failed($"working set dump has {workingSet.Length} bytes, {pages} pages need {TestGuestLayout.WorkingSetSize(pages)}");
        }

        var bad = 0;
        int? firstBad = null;
        string? reason = null;
        for (var page = 0; page < pages; page++)
        {
            var generation = BinaryPrimitives.ReadUInt32LittleEndian(generationTable[(page * sizeof(uint))..]);
            var content = workingSet.Slice(page * TestGuestLayout.PageSize, TestGuestLayout.PageSize);
            var problem = CheckPage((uint)page, generation, content, pageInFlight == (uint)page);
            if (problem is null)
            {
                continue;
            }

            bad++;
            if (firstBad is null)
            {
                firstBad = page;
                reason = problem;
            }
        }

        return new TestGuestMemoryCheckResult { PagesChecked = pages, BadPages = bad, FirstBadPage = firstBad, Reason = reason };
    }

    /// <summary>Same as <see cref="Verify(ReadOnlySpan{byte}, ReadOnlySpan{byte}, uint?)"/> on pmemsave files.</summary>
    public static TestGuestMemoryCheckResult VerifyFiles(string generationTablePath, string workingSetPath, uint? pageInFlight = null) =>
        Verify(File.ReadAllBytes(generationTablePath), File.ReadAllBytes(workingSetPath), pageInFlight);

    /// <summary>Null when the page holds generation <paramref name="generation"/>, else why not.</summary>
    private static string? CheckPage(uint page, uint generation, ReadOnlySpan<byte> content, bool inFlight)
    {
        if (generation == 0)
        {
            return Invariant($"page {page}: generation table entry is 0 (the guest writes every page at generation 1 before ready)");
        }

        var word0 = Word(content, 0);
        if (word0 != page)
        {
            return Invariant($"page {page}: word 0 is 0x{word0:X8}, expected the page index 0x{page:X8} (content of another page or none)");
        }

        // In flight: the guest was stopped between "page in flight = p" and the table update, so any word may
        // already hold generation + 1 (it writes words in order, then bumps the table, then clears the marker).
        var next = unchecked(generation + 1);
        for (var i = 1; i < TestGuestLayout.WordsPerPage; i++)
        {
            var actual = Word(content, i);
            var expected = TestGuestLayout.ExpectedWord(page, generation, i);
            if (actual == expected || (inFlight && actual == TestGuestLayout.ExpectedWord(page, next, i)))
            {
                continue;
            }

            return i == 1
                ? Invariant($"page {page}: holds generation {actual}, the generation table says {generation}{(inFlight ? " (or " + next.ToString(CultureInfo.InvariantCulture) + " in flight)" : "")}")
                : Invariant($"page {page}: word {i} is 0x{actual:X8}, expected 0x{expected:X8} for generation {generation}");
        }

        return null;
    }

    private static uint Word(ReadOnlySpan<byte> content, int index) =>
        BinaryPrimitives.ReadUInt32LittleEndian(content[(index * sizeof(uint))..]);

    private static TestGuestMemoryCheckResult Failed(string reason) => new() { Reason = reason };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
