using System.Globalization;

namespace HostGrid.Hypervisor.Qemu.TestGuest;

/// <summary>
/// Memory layout and boot parameters of hostgrid-test-guest (TestGuest/test-guest.S), the tiny multiboot kernel
/// that dirties a checkable working set so tests can prove RAM and continuity across a live migration.
/// Every value here must match the assembly source.
/// </summary>
public static class TestGuestLayout
{
    /// <summary>Where QEMU's multiboot loader puts the kernel (the linker script's base).</summary>
    public const long KernelLoadAddress = 0x0010_0000;

    /// <summary>Guest-physical address of the status block (one page, little endian).</summary>
    public const long StatusBlockAddress = 0x0020_0000;

    /// <summary>Bytes to dump for the status block (the guest zeroes this whole page at boot).</summary>
    public const int StatusBlockSize = 4096;

    /// <summary>Guest-physical address of the generation table: one u32 per working-set page.</summary>
    public const long GenerationTableAddress = 0x0030_0000;

    /// <summary>Guest-physical address of the working set (16 MiB).</summary>
    public const long WorkingSetAddress = 0x0100_0000;

    public const int PageSize = 4096;
    public const int WordsPerPage = PageSize / sizeof(uint);

    /// <summary>'HGTG' as a little-endian u32 at offset 0.</summary>
    public const uint Magic = 0x4754_4748;

    public const uint LayoutVersion = 1;

    /// <summary>"No page" in <see cref="FirstErrorPageOffset"/> and <see cref="PageInFlightOffset"/>.</summary>
    public const uint NoPage = 0xFFFF_FFFF;

    public const int DefaultWorkingSetMib = 16;
    /// <summary>Timer period while dirtying: <see cref="TicksOffset"/> counts milliseconds at either rate.</summary>
    public const int TickMilliseconds = 1;

    /// <summary>Timer period of an idle guest (dirty_mib_s=0): 100 Hz, as 1 kHz alone costs ~8% of a host CPU under TCG.</summary>
    public const int IdleTickMilliseconds = 10;

    /// <summary>isa-debugcon port the guest logs to (SeaBIOS logs there too).</summary>
    public const int DebugConPort = 0x402;

    /// <summary>Kernel file name, under the <c>test-guest</c> folder of the output directory.</summary>
    public const string KernelFileName = "hostgrid-test-guest.elf";

    public const string WorkingSetParameter = "wss_mib";
    public const string DirtyRateParameter = "dirty_mib_s";

    /// <summary>Start of the debugcon line written once every page is at generation 1.</summary>
    public const string ReadyLinePrefix = "hostgrid-test-guest ready";

    /// <summary>Start of the debugcon line written for each page found inconsistent.</summary>
    public const string ErrorLinePrefix = "ERR page ";

    /// <summary>Start of the debugcon line written when the CPU raised an exception (the guest stops).</summary>
    public const string FaultLinePrefix = "hostgrid-test-guest FAULT";

    // Status block field offsets (u32 unless noted).
    public const int MagicOffset = 0x00;
    public const int LayoutVersionOffset = 0x04;
    /// <summary>u64: milliseconds of timer ticks since the timer started: the counter that proves continuity.</summary>
    public const int TicksOffset = 0x08;
    /// <summary>u64: pages rewritten since the working set became ready.</summary>
    public const int PagesWrittenOffset = 0x10;
    public const int ErrorsOffset = 0x18;
    public const int WorkingSetPagesOffset = 0x1C;
    public const int DirtyMibPerSecondOffset = 0x20;
    public const int FirstErrorPageOffset = 0x24;
    public const int ReadyOffset = 0x28;
    /// <summary>Page being rewritten at the moment the dump was taken (a mix of two generations), or <see cref="NoPage"/>.</summary>
    public const int PageInFlightOffset = 0x2C;
    public const int CursorOffset = 0x30;
    public const int MemUpperKibOffset = 0x34;
    public const int RequestedWorkingSetMibOffset = 0x38;
    public const int FaultVectorOffset = 0x3C;
    /// <summary>Milliseconds per timer interrupt: <see cref="TickMilliseconds"/> or <see cref="IdleTickMilliseconds"/>.</summary>
    public const int TickMillisecondsOffset = 0x40;

    /// <summary>Bytes of the status block that layout version 1 defines.</summary>
    public const int StatusFieldsSize = 0x44;

    // Page content: word[0] = page, word[1] = generation, word[i] = (p * A) ^ (g * B) ^ (i * C), 32-bit wrapping.
    public const uint PageMultiplier = 0x9E37_79B1;
    public const uint GenerationMultiplier = 0x85EB_CA77;
    public const uint WordMultiplier = 0xC2B2_AE3D;

    /// <summary>The kernel next to this assembly (copied there by TestGuest.targets).</summary>
    public static string KernelPath { get; } = Path.Combine(AssemblyDirectory(), "test-guest", KernelFileName);

    /// <summary>Kernel command line (<c>-append</c>) for a working set and a dirty rate (0 = idle).</summary>
    public static string CommandLine(int workingSetMib, int dirtyMibPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingSetMib);
        ArgumentOutOfRangeException.ThrowIfNegative(dirtyMibPerSecond);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{WorkingSetParameter}={workingSetMib} {DirtyRateParameter}={dirtyMibPerSecond}");
    }

    /// <summary>Pages the guest rewrites per second at a dirty rate.</summary>
    public static int PagesPerSecond(int dirtyMibPerSecond) => dirtyMibPerSecond * (1024 * 1024 / PageSize);

    /// <summary>Bytes of the generation table for a working set.</summary>
    public static int GenerationTableSize(int workingSetPages) => workingSetPages * sizeof(uint);

    /// <summary>Bytes of a working set.</summary>
    public static long WorkingSetSize(int workingSetPages) => (long)workingSetPages * PageSize;

    /// <summary>The word the guest writes at <paramref name="index"/> of <paramref name="page"/> at <paramref name="generation"/>.</summary>
    public static uint ExpectedWord(uint page, uint generation, int index) => index switch
    {
        0 => page,
        1 => generation,
        _ => unchecked((page * PageMultiplier) ^ (generation * GenerationMultiplier) ^ ((uint)index * WordMultiplier)),
    };

    private static string AssemblyDirectory()
    {
        // Location is empty in single-file apps; the base directory is where the file was extracted or published.
        var location = typeof(TestGuestLayout).Assembly.Location;
        var directory = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
        return string.IsNullOrEmpty(directory) ? AppContext.BaseDirectory : directory;
    }
}
