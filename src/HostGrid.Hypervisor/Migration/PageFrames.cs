using System.Buffers.Binary;
using HostGrid.Hypervisor.Simulated;
using MessagePack;

namespace HostGrid.Hypervisor.Migration;

/// <summary>Writes and reads the migration frames (see <see cref="FrameKind"/>) with MessagePack's low-level writer and reader.</summary>
internal static class PageFrames
{
    /// <summary>2: sync frames, and the final frame carries the additive digest instead of a hash of the whole table.</summary>
    public const int Protocol = 2;

    /// <summary>Bytes a frame of <paramref name="pages"/> pages needs at most.</summary>
    public static int Capacity(int pages) => 64 + (pages * (5 + 9 + PageContent.PageSize));

    public static void WriteHello(FrameBuffer buffer, string token, string operationId, VmId vmId, int pageCount)
    {
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(6);
        writer.Write((int)FrameKind.Hello);
        writer.Write(Protocol);
        writer.Write(token);
        writer.Write(operationId);
        writer.Write(vmId.Value);
        writer.Write(pageCount);
        writer.Flush();
        buffer.Seal();
    }

    public static void WriteSignal(FrameBuffer buffer, FrameKind kind)
    {
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(1);
        writer.Write((int)kind);
        writer.Flush();
        buffer.Seal();
    }

    public static void WriteError(FrameBuffer buffer, string reason, bool wantVersions)
    {
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write((int)FrameKind.Error);
        writer.Write(reason);
        writer.Write(wantVersions);
        writer.Flush();
        buffer.Seal();
    }

    /// <summary>
    /// A batch of pages at the versions given; each page's content is generated into the frame from its version.
    /// <paramref name="corrupt"/> (fault injection) names a page of the batch whose content is spoilt.
    /// </summary>
    public static void WritePages(FrameBuffer buffer, int round, ReadOnlySpan<int> pages, ReadOnlySpan<long> versions, ulong seed, int? corrupt)
    {
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.Write((int)FrameKind.Pages);
        writer.Write(round);
        writer.WriteArrayHeader(pages.Length);
        foreach (var page in pages)
        {
            writer.Write(page);
        }

        writer.WriteArrayHeader(versions.Length);
        foreach (var version in versions)
        {
            writer.Write(version);
        }

        var size = pages.Length * PageContent.PageSize;
        writer.WriteBinHeader(size);
        var contents = writer.GetSpan(size)[..size];
        for (var i = 0; i < pages.Length; i++)
        {
            var page = contents.Slice(i * PageContent.PageSize, PageContent.PageSize);
            PageContent.Fill(page, seed, pages[i], versions[i]);
            if (pages[i] == corrupt)
            {
                page[PageContent.PageSize / 2] ^= 0x5A;
            }
        }

        writer.Advance(size);
        writer.Flush();
        buffer.Pages = pages.Length;
        buffer.Seal();
    }

    public static void WriteFinal(FrameBuffer buffer, int pageCount, ulong digest)
    {
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write((int)FrameKind.Final);
        writer.Write(pageCount);
        writer.Write(digest);
        writer.Flush();
        buffer.Seal();
    }

    public static void WriteVersionTable(FrameBuffer buffer, ReadOnlySpan<long> versions)
    {
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write((int)FrameKind.VersionTable);
        var size = versions.Length * sizeof(long);
        writer.WriteBinHeader(size);
        var table = writer.GetSpan(size);
        for (var i = 0; i < versions.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(table.Slice(i * sizeof(long)), versions[i]);
        }

        writer.Advance(size);
        writer.Flush();
        buffer.Seal();
    }

    /// <summary>Opens a frame: its kind, with the reader positioned on the next element.</summary>
    public static FrameKind ReadKind(ref MessagePackReader reader, out int elements)
    {
        elements = reader.ReadArrayHeader();
        if (elements < 1)
        {
            throw new MessagePackSerializationException("empty frame");
        }

        var kind = (FrameKind)reader.ReadInt32();
        return Enum.IsDefined(kind) ? kind : throw new MessagePackSerializationException($"unknown frame kind {(int)kind}");
    }

    /// <summary>A bin element as one span (frames are read into one contiguous buffer).</summary>
    public static ReadOnlySpan<byte> ReadBin(ref MessagePackReader reader)
    {
        var bytes = reader.ReadBytes() ?? throw new MessagePackSerializationException("expected bin, got nil");
        return bytes.IsSingleSegment ? bytes.FirstSpan : throw new MessagePackSerializationException("fragmented bin");
    }

    public static long[] ReadVersionTable(ref MessagePackReader reader)
    {
        var table = ReadBin(ref reader);
        if (table.Length % sizeof(long) != 0)
        {
            throw new MessagePackSerializationException($"version table of {table.Length} bytes");
        }

        var versions = new long[table.Length / sizeof(long)];
        for (var i = 0; i < versions.Length; i++)
        {
            versions[i] = BinaryPrimitives.ReadInt64LittleEndian(table.Slice(i * sizeof(long)));
        }

        return versions;
    }
}
