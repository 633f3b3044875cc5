using System.Buffers.Binary;
using HostGrid.Hypervisor.Qemu.TestGuest;

namespace HostGrid.Hypervisor.Qemu.Tests.TestGuest;

/// <summary>Builds dumps the way the guest writes them, so the checker can be tested without QEMU.</summary>
internal static class TestGuestPages
{
    /// <summary>A generation table and a working set with page p at generations[p].</summary>
    public static (byte[] Table, byte[] WorkingSet) Build(params uint[] generations)
    {
        var table = new byte[generations.Length * sizeof(uint)];
        var workingSet = new byte[generations.Length * TestGuestLayout.PageSize];
        for (var page = 0; page < generations.Length; page++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(page * sizeof(uint)), generations[page]);
            WritePage(workingSet, (uint)page, generations[page]);
        }

        return (table, workingSet);
    }

    public static void WritePage(Span<byte> workingSet, uint page, uint generation, int fromWord = 0)
    {
        var content = workingSet.Slice((int)page * TestGuestLayout.PageSize, TestGuestLayout.PageSize);
        for (var i = fromWord; i < TestGuestLayout.WordsPerPage; i++)
        {
            SetWord(content, i, TestGuestLayout.ExpectedWord(page, generation, i));
        }
    }

    public static void SetWord(Span<byte> workingSet, uint page, int index, uint value) =>
        SetWord(workingSet.Slice((int)page * TestGuestLayout.PageSize, TestGuestLayout.PageSize), index, value);

    private static void SetWord(Span<byte> content, int index, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(content[(index * sizeof(uint))..], value);
}
