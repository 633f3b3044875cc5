using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using HostGrid.Hypervisor.Qemu.TestGuest;
using Xunit;
using Xunit.Abstractions;

namespace HostGrid.Hypervisor.Qemu.Tests.TestGuest;

public sealed class TestGuestTests(ITestOutputHelper output)
{
    private const int MemoryMib = 128;
    private const int WorkingSetMib = 32;
    private const int DirtyMibPerSecond = 50;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void ExpectedWord_FollowsTheGuestFormula()
    {
        Assert.Equal(7u, TestGuestLayout.ExpectedWord(7, 3, 0));
        Assert.Equal(3u, TestGuestLayout.ExpectedWord(7, 3, 1));
        Assert.Equal(
            unchecked((7u * 0x9E3779B1u) ^ (3u * 0x85EBCA77u) ^ (1023u * 0xC2B2AE3Du)),
            TestGuestLayout.ExpectedWord(7, 3, 1023));
    }

    [Fact]
    public void CommandLine_NamesBothParameters()
    {
        Assert.Equal("wss_mib=64 dirty_mib_s=20", TestGuestLayout.CommandLine(64, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => TestGuestLayout.CommandLine(-1, 0));
    }

    [Fact]
    public void KernelPath_PointsAtTheBuiltMultibootElf()
    {
        // TestGuest.targets assembles it and every referencing project copies it to test-guest/.
        var kernel = File.ReadAllBytes(TestGuestLayout.KernelPath);
        Assert.Equal("\x7F" + "ELF", System.Text.Encoding.ASCII.GetString(kernel, 0, 4));
        Assert.Equal(1, kernel[4]); // ELFCLASS32: QEMU's multiboot loader refuses 64-bit ELF files
        var header = Enumerable.Range(0, Math.Min(kernel.Length, 8192) / 4)
            .Select(i => BinaryPrimitives.ReadUInt32LittleEndian(kernel.AsSpan(i * 4)))
            .ToList();
        var at = header.IndexOf(0x1BADB002);
        Assert.True(at >= 0, "multiboot header not in the first 8 KiB");
        Assert.Equal(0u, unchecked(header[at] + header[at + 1] + header[at + 2])); // magic + flags + checksum
    }

    [Fact]
    public void Verify_GoodPages_Pass()
    {
        var (table, workingSet) = TestGuestPages.Build(1, 2, 7, 1);

        var result = TestGuestMemoryCheck.Verify(table, workingSet);

        Assert.True(result.Ok, result.ToString());
        Assert.Equal(4, result.PagesChecked);
        Assert.Null(result.FirstBadPage);
    }

    [Fact]
    public void Verify_CorruptedWord_NamesPageAndWord()
    {
        var (table, workingSet) = TestGuestPages.Build(1, 1, 1, 1);
        TestGuestPages.SetWord(workingSet, 2, 700, 0xDEADBEEF);

        var result = TestGuestMemoryCheck.Verify(table, workingSet);

        Assert.False(result.Ok);
        Assert.Equal(2, result.FirstBadPage);
        Assert.Equal(1, result.BadPages);
        Assert.Contains("page 2: word 700 is 0xDEADBEEF", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_StaleGeneration_NamesPage()
    {
        // The table says 5 but the page still holds 4: a rewrite that did not reach the destination.
        var (table, workingSet) = TestGuestPages.Build(1, 4, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(1 * sizeof(uint)), 5);

        var result = TestGuestMemoryCheck.Verify(table, workingSet);

        Assert.False(result.Ok);
        Assert.Equal(1, result.FirstBadPage);
        Assert.Contains("page 1: holds generation 4, the generation table says 5", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PageIndexMismatch_NamesPage()
    {
        // Page 3 holds page 1's content: memory landed at the wrong place.
        var (table, workingSet) = TestGuestPages.Build(1, 1, 1, 1);
        workingSet.AsSpan(1 * TestGuestLayout.PageSize, TestGuestLayout.PageSize).CopyTo(workingSet.AsSpan(3 * TestGuestLayout.PageSize));

        var result = TestGuestMemoryCheck.Verify(table, workingSet);

        Assert.False(result.Ok);
        Assert.Equal(3, result.FirstBadPage);
        Assert.Contains("page 3: word 0 is 0x00000001", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ZeroedPage_Fails()
    {
        var (table, workingSet) = TestGuestPages.Build(1, 1);
        Array.Clear(workingSet, TestGuestLayout.PageSize, TestGuestLayout.PageSize);

        var result = TestGuestMemoryCheck.Verify(table, workingSet);

        Assert.Equal(1, result.FirstBadPage);
    }

    [Fact]
    public void Verify_CountsEveryBadPage_ReportsTheFirst()
    {
        var (table, workingSet) = TestGuestPages.Build(1, 1, 1, 1, 1);
        TestGuestPages.SetWord(workingSet, 4, 9, 0);
        TestGuestPages.SetWord(workingSet, 1, 9, 0);

        var result = TestGuestMemoryCheck.Verify(table, workingSet);

        Assert.Equal(2, result.BadPages);
        Assert.Equal(1, result.FirstBadPage);
    }

    [Fact]
    public void Verify_PageInFlight_MayMixItsGenerationAndTheNext()
    {
        // Stopped mid-rewrite: the first 300 words are at generation 4, the rest still at 3, the table says 3.
        var (table, workingSet) = TestGuestPages.Build(1, 3, 1);
        TestGuestPages.WritePage(workingSet, 1, 4);
        TestGuestPages.WritePage(workingSet, 1, 3, fromWord: 300);

        Assert.True(TestGuestMemoryCheck.Verify(table, workingSet, pageInFlight: 1).Ok);
        var notInFlight = TestGuestMemoryCheck.Verify(table, workingSet);
        Assert.Equal(1, notInFlight.FirstBadPage);
        var otherInFlight = TestGuestMemoryCheck.Verify(table, workingSet, pageInFlight: 2);
        Assert.Equal(1, otherInFlight.FirstBadPage);
    }

    [Fact]
    public void Verify_GenerationZero_Fails()
    {
        var (table, workingSet) = TestGuestPages.Build(1, 0);

        var result = TestGuestMemoryCheck.Verify(table, workingSet);

        Assert.Equal(1, result.FirstBadPage);
        Assert.Contains("generation table entry is 0", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ShortDumps_Fail()
    {
        var (table, workingSet) = TestGuestPages.Build(1, 1);

        Assert.False(TestGuestMemoryCheck.Verify(table, workingSet.AsSpan(0, TestGuestLayout.PageSize)).Ok);
        Assert.False(TestGuestMemoryCheck.Verify(table.AsSpan(0, 6), workingSet).Ok);
        var status = TestGuestStatus.Parse(StatusBlock(wssPages: 3, ready: 1));
        Assert.False(TestGuestMemoryCheck.Verify(status, table, workingSet).Ok);
    }

    [Fact]
    public void Verify_WithStatus_ChecksItsPagesAndRequiresReady()
    {
        var (table, workingSet) = TestGuestPages.Build(2, 2, 2);

        Assert.True(TestGuestMemoryCheck.Verify(TestGuestStatus.Parse(StatusBlock(wssPages: 3, ready: 1)), table, workingSet).Ok);
        Assert.False(TestGuestMemoryCheck.Verify(TestGuestStatus.Parse(StatusBlock(wssPages: 3, ready: 0)), table, workingSet).Ok);
    }

    [Fact]
    public void Parse_ReadsEveryField()
    {
        var block = StatusBlock(wssPages: 8192, ready: 1);
        BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(TestGuestLayout.TicksOffset), 0x1_0000_0005);
        BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(TestGuestLayout.PagesWrittenOffset), 123_456);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.ErrorsOffset), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.DirtyMibPerSecondOffset), 50);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.FirstErrorPageOffset), 17);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.PageInFlightOffset), 99);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.CursorOffset), 100);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.MemUpperKibOffset), 129_920);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.RequestedWorkingSetMibOffset), 32);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.TickMillisecondsOffset), 1);

        var status = TestGuestStatus.Parse(block);

        Assert.True(status.IsValid);
        Assert.True(status.IsReady);
        Assert.Equal(0x1_0000_0005ul, status.Ticks);
        Assert.Equal(123_456ul, status.PagesWritten);
        Assert.Equal(2u, status.Errors);
        Assert.Equal(8192u, status.WorkingSetPages);
        Assert.Equal(50u, status.DirtyMibPerSecond);
        Assert.Equal(17u, status.FirstErrorPage);
        Assert.Equal(99u, status.PageInFlight);
        Assert.Equal(100u, status.Cursor);
        Assert.Equal(129_920u, status.MemUpperKib);
        Assert.Equal(32u, status.RequestedWorkingSetMib);
        Assert.Null(status.FaultVector);
        Assert.Equal(1u, status.TickMilliseconds);
    }

    [Fact]
    public void Parse_NoneMarkers_AreNull_ZeroBlock_IsNotValid()
    {
        var status = TestGuestStatus.Parse(StatusBlock(wssPages: 1, ready: 1));
        Assert.Null(status.FirstErrorPage);
        Assert.Null(status.PageInFlight);

        // Read before the guest set the block up: all zero, which must not look like a fault or an error on page 0.
        var zero = TestGuestStatus.Parse(new byte[TestGuestLayout.StatusBlockSize]);
        Assert.False(zero.IsValid);
        Assert.False(zero.IsReady);
        Assert.Null(zero.FaultVector);
        Assert.Null(zero.FirstErrorPage);
        Assert.Null(zero.PageInFlight);

        Assert.Throws<ArgumentException>(() => TestGuestStatus.Parse(new byte[TestGuestLayout.StatusFieldsSize - 1]));
    }

    [Fact]
    public async Task Qemu_GuestDirtiesAtTheConfiguredRate_AndMemoryChecksOut()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var boot = Stopwatch.StartNew();
        await using var guest = await TestGuestQemu.StartAsync("guest", MemoryMib, WorkingSetMib, DirtyMibPerSecond, incoming: false, ct);

        var ready = await guest.WaitReadyAsync(ReadyTimeout, ct);
        output.WriteLine($"accel={TestGuestQemu.Accelerator}: ready with ticks advancing after {boot.ElapsedMilliseconds} ms: {ready}");
        Assert.Equal((uint)(WorkingSetMib * 256), ready.WorkingSetPages);
        Assert.Equal((uint)DirtyMibPerSecond, ready.DirtyMibPerSecond);
        Assert.Equal((uint)TestGuestLayout.TickMilliseconds, ready.TickMilliseconds);

        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var later = await guest.ReadStatusAsync(ct);
        var ticks = later.Ticks - ready.Ticks;
        var pages = later.PagesWritten - ready.PagesWritten;
        var perTick = (double)pages / ticks;
        output.WriteLine(
            $"{ticks} ticks, {pages} pages in {wall.ElapsedMilliseconds} ms: {TestGuestQemu.Format(perTick)} pages/tick " +
            $"(configured {TestGuestQemu.Format(TestGuestLayout.PagesPerSecond(DirtyMibPerSecond) / 1000.0)}), " +
            $"{TestGuestQemu.Format(ticks * 1000.0 / wall.ElapsedMilliseconds)} ticks/s");

        // Pages per tick is exact up to the carried fraction; ticks per wall second depend on how busy the host is.
        Assert.InRange(perTick, 12.8 * 0.95, 12.8 * 1.05);
        Assert.InRange(ticks, 100ul, 2000ul);
        Assert.Equal(0u, later.Errors);
        Assert.Null(later.FirstErrorPage);

        var (stopped, check) = await guest.StopAndCheckMemoryAsync(ct);
        output.WriteLine($"stopped at {stopped}; {check}");
        Assert.True(check.Ok, $"{check} {guest.Diagnostics()}");
        Assert.Equal(WorkingSetMib * 256, check.PagesChecked);
        Assert.Equal(0u, stopped.Errors);
        Assert.Contains(
            $"{TestGuestLayout.ReadyLinePrefix} wss_pages={WorkingSetMib * 256} dirty_mib_s={DirtyMibPerSecond}\n",
            guest.ReadLog(),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024)] // converges at once
    // Slower than the guest's dirtying for a while: several dirty-bitmap syncs, the case where a TCG guest that did not
    // flush its TLB lost writes (measured: 528 stale pages seen by the guest in one of two runs without invlpg).
    [InlineData(64)]
    public async Task Qemu_LiveMigrationOnLoopback_KeepsTicksAndMemory(int maxBandwidthMib)
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        await using var source = await TestGuestQemu.StartAsync("source", MemoryMib, WorkingSetMib, DirtyMibPerSecond, incoming: false, ct);
        await using var destination = await TestGuestQemu.StartAsync("destination", MemoryMib, WorkingSetMib, DirtyMibPerSecond, incoming: true, ct);
        var before = await source.WaitReadyAsync(ReadyTimeout, ct);
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct); // dirtying under way, not just booted

        var uri = $"tcp:127.0.0.1:{FreeLoopbackPort()}";
        await destination.Qmp.ExecuteAsync("migrate-incoming", new JsonObject { ["uri"] = uri }, ct);
        await source.Qmp.ExecuteAsync(
            "migrate-set-capabilities",
            new JsonObject { ["capabilities"] = new JsonArray(new JsonObject { ["capability"] = "events", ["state"] = true }) },
            ct);
        await source.Qmp.ExecuteAsync(
            "migrate-set-parameters",
            new JsonObject { ["max-bandwidth"] = maxBandwidthMib * (1L << 20), ["downtime-limit"] = 300 },
            ct);
        var atMigrate = await source.ReadStatusAsync(ct);
        await source.Qmp.ExecuteAsync("migrate", new JsonObject { ["uri"] = uri }, ct);

        var info = await source.WaitForMigrationAsync(TimeSpan.FromSeconds(90), ct);
        Assert.True(info.GetProperty("status").GetString() == "completed", $"migration {info} {source.Diagnostics()} {destination.Diagnostics()}");
        await destination.WaitForRunStateAsync("paused", TimeSpan.FromSeconds(10), ct);
        await source.WaitForRunStateAsync("postmigrate", TimeSpan.FromSeconds(10), ct);

        // The copy that arrived, before it runs: every page exactly as the generation table says.
        var (arrived, check) = await destination.StopAndCheckMemoryAsync(ct);
        output.WriteLine($"arrived {arrived}; {check}");
        Assert.True(check.Ok, $"{check} {destination.Diagnostics()}");
        Assert.Equal(0u, arrived.Errors);
        await destination.Qmp.ExecuteAsync("cont", null, ct);
        // Asked again: QEMU 7.2 can report "completed" before it has filled in total-time and downtime (both 0).
        output.WriteLine($"accel={TestGuestQemu.Accelerator} query-migrate: {await source.Qmp.ExecuteAsync("query-migrate", null, ct)}");

        await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        var after = await destination.ReadStatusAsync(ct);
        output.WriteLine($"before {before}\nat migrate {atMigrate}\narrived {arrived}\nafter {after}");

        // Continuity: the destination carries on from the source's counters instead of booting again.
        Assert.True(after.IsReady, after.ToString());
        Assert.True(arrived.Ticks > atMigrate.Ticks, $"ticks went back: {atMigrate.Ticks} -> {arrived.Ticks}");
        Assert.True(after.Ticks > arrived.Ticks, "destination ticks do not advance");
        Assert.True(after.PagesWritten > atMigrate.PagesWritten, "destination does not dirty pages");
        Assert.DoesNotContain(TestGuestLayout.ReadyLinePrefix, destination.ReadLog(), StringComparison.Ordinal); // never booted there
        // Not asserted after the resume: under TCG, about 3% of dirtying migrations lose the guest's first rewrite of one
        // page after it resumes, although the paused copy checked above is byte-identical to the source (bench/README.md).
    }

    [Fact]
    public async Task Qemu_IdleGuest_TicksAt100Hz_WritesNothing()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = timeout.Token;
        await using var guest = await TestGuestQemu.StartAsync("idle", 64, 4, 0, incoming: false, ct);

        var ready = await guest.WaitReadyAsync(ReadyTimeout, ct);
        await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        var later = await guest.ReadStatusAsync(ct);

        Assert.Equal((uint)TestGuestLayout.IdleTickMilliseconds, later.TickMilliseconds);
        Assert.True(later.Ticks > ready.Ticks);
        Assert.Equal(0ul, later.Ticks % TestGuestLayout.IdleTickMilliseconds); // still milliseconds, 10 per interrupt
        Assert.Equal(0ul, later.PagesWritten);
        Assert.Equal(4u * 256, later.WorkingSetPages);
        var (_, check) = await guest.StopAndCheckMemoryAsync(ct);
        Assert.True(check.Ok, $"{check} {guest.Diagnostics()}");
    }

    private static byte[] StatusBlock(uint wssPages, uint ready)
    {
        var block = new byte[TestGuestLayout.StatusBlockSize];
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.MagicOffset), TestGuestLayout.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.LayoutVersionOffset), TestGuestLayout.LayoutVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.WorkingSetPagesOffset), wssPages);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.ReadyOffset), ready);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.FirstErrorPageOffset), TestGuestLayout.NoPage);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.PageInFlightOffset), TestGuestLayout.NoPage);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(TestGuestLayout.FaultVectorOffset), TestGuestLayout.NoPage);
        return block;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
