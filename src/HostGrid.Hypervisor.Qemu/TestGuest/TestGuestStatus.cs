using System.Buffers.Binary;

namespace HostGrid.Hypervisor.Qemu.TestGuest;

/// <summary>
/// The test guest's status block (see <see cref="TestGuestLayout"/>), as dumped from guest RAM with QMP pmemsave.
/// A block read before the guest initialised it parses too (all zero): check <see cref="IsValid"/> / <see cref="IsReady"/>.
/// </summary>
public sealed record TestGuestStatus
{
    public uint Magic { get; init; }
    public uint LayoutVersion { get; init; }

    /// <summary>Milliseconds of timer ticks since the guest's timer started; keeps growing across a migration (never reset).</summary>
    public ulong Ticks { get; init; }

    /// <summary>Pages rewritten since the working set became ready.</summary>
    public ulong PagesWritten { get; init; }

    /// <summary>Pages the guest found inconsistent with its generation table when it revisited them.</summary>
    public uint Errors { get; init; }

    public uint WorkingSetPages { get; init; }
    public uint DirtyMibPerSecond { get; init; }

    /// <summary>First inconsistent page, or null.</summary>
    public uint? FirstErrorPage { get; init; }

    /// <summary>Every working-set page was written at generation 1.</summary>
    public bool Ready { get; init; }

    /// <summary>Page the guest was rewriting when the dump was taken (a mix of two generations), or null.</summary>
    public uint? PageInFlight { get; init; }

    /// <summary>Next page to verify and rewrite.</summary>
    public uint Cursor { get; init; }

    /// <summary>RAM above 1 MiB reported by the multiboot loader, KiB.</summary>
    public uint MemUpperKib { get; init; }

    /// <summary>wss_mib from the command line before the guest capped it to its RAM.</summary>
    public uint RequestedWorkingSetMib { get; init; }

    /// <summary>CPU exception vector that stopped the guest, or null.</summary>
    public uint? FaultVector { get; init; }

    /// <summary>Milliseconds per timer interrupt: 1 while dirtying, 10 when idle (0 before the timer starts).</summary>
    public uint TickMilliseconds { get; init; }

    public bool IsValid => Magic == TestGuestLayout.Magic && LayoutVersion == TestGuestLayout.LayoutVersion;

    public bool IsReady => IsValid && Ready;

    /// <summary>Parses a dump that starts at <see cref="TestGuestLayout.StatusBlockAddress"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than <see cref="TestGuestLayout.StatusFieldsSize"/> bytes.</exception>
    public static TestGuestStatus Parse(ReadOnlySpan<byte> block)
    {
        if (block.Length < TestGuestLayout.StatusFieldsSize)
        {
            throw new ArgumentException(
                $"The test guest status block needs {TestGuestLayout.StatusFieldsSize} bytes, got {block.Length}.",
                nameof(block));
        }

        // Without magic the guest has not set up the block yet: its zeroes must not read as "fault 0" or "error on page 0".
        var valid = U32(block, TestGuestLayout.MagicOffset) == TestGuestLayout.Magic;

        return new TestGuestStatus
        {
            Magic = U32(block, TestGuestLayout.MagicOffset),
            LayoutVersion = U32(block, TestGuestLayout.LayoutVersionOffset),
            Ticks = BinaryPrimitives.ReadUInt64LittleEndian(block[TestGuestLayout.TicksOffset..]),
            PagesWritten = BinaryPrimitives.ReadUInt64LittleEndian(block[TestGuestLayout.PagesWrittenOffset..]),
            Errors = U32(block, TestGuestLayout.ErrorsOffset),
            WorkingSetPages = U32(block, TestGuestLayout.WorkingSetPagesOffset),
            DirtyMibPerSecond = U32(block, TestGuestLayout.DirtyMibPerSecondOffset),
            FirstErrorPage = PageOrNull(block, TestGuestLayout.FirstErrorPageOffset, valid),
            Ready = U32(block, TestGuestLayout.ReadyOffset) == 1,
            PageInFlight = PageOrNull(block, TestGuestLayout.PageInFlightOffset, valid),
            Cursor = U32(block, TestGuestLayout.CursorOffset),
            MemUpperKib = U32(block, TestGuestLayout.MemUpperKibOffset),
            RequestedWorkingSetMib = U32(block, TestGuestLayout.RequestedWorkingSetMibOffset),
            FaultVector = PageOrNull(block, TestGuestLayout.FaultVectorOffset, valid),
            TickMilliseconds = U32(block, TestGuestLayout.TickMillisecondsOffset),
        };
    }

    private static uint? PageOrNull(ReadOnlySpan<byte> block, int offset, bool valid) =>
        U32(block, offset) is var raw && valid && raw != TestGuestLayout.NoPage ? raw : null;

    private static uint U32(ReadOnlySpan<byte> block, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(block[offset..]);
}
