using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using HostGrid.Bench.Migration;
using HostGrid.Bench.Reporting;
using HostGrid.Contracts;
using HostGrid.Contracts.Hosts;
using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Qemu;
using HostGrid.Hypervisor.Qemu.Guests;
using HostGrid.Hypervisor.Qemu.TestGuest;
using Microsoft.Extensions.Logging.Abstractions;

namespace HostGrid.Bench.MigrationQemu;

/// <summary>
/// <c>migration-qemu</c>: live migrations of real QEMU guests (the bundled test guest, which fills a working set and can
/// rewrite it at a set rate) between two QEMU drivers in this process over loopback, through the driver API in the order
/// the VM grain uses: PrepareIncoming, MigrateOut, ConfirmIncoming, ActivateIncoming, then the source's Stop. Each
/// destination copy's RAM is checked page by page and its tick counter must have moved on. Raw loopback TCP throughput
/// is measured first in the same run. Needs no cluster, only QEMU.
/// </summary>
internal sealed class QemuMigrationBenchmark : IBenchmark
{
    private static readonly TimeSpan CleanupBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeftoverWait = TimeSpan.FromSeconds(5);
    private const string PvmModule = "/sys/module/kvm_pvm";

    private QemuMigrationSettings? _settings;

    public string Name => "migration-qemu";

    public string Summary => "live migration of real QEMU guests between two QEMU drivers over loopback (no cluster; needs QEMU)";

    public IReadOnlyList<string> Options => QemuMigrationSettings.Help;

    public void Configure(BenchArguments arguments) => _settings = QemuMigrationSettings.Read(arguments);

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = _settings ?? throw new InvalidOperationException("Configure first");
        var result = new BenchResult(Name);
        var rows = new List<QemuMigrationRow>();
        double? loopback = null;
        string? accel = null;

        // Unix socket paths (STATE/HOST/guests/VM/qmp.sock) must stay under 108 bytes: keep the root short.
        var root = ShortTempDirectory();
        QemuHypervisor? source = null;
        QemuHypervisor? target = null;
        try
        {
            var options = new QemuOptions
            {
                StateDirectory = Path.Combine(root, "state"),
                DiskDirectory = Path.Combine(root, "disks"),
                Accelerator = settings.Accelerator,
            };
            var migration = new MigrationOptions { Timeout = settings.Timeout };
            source = new QemuHypervisor(new HostId("hv-1"), options, TimeProvider.System, NullLogger<QemuHypervisor>.Instance, migration);
            target = new QemuHypervisor(new HostId("hv-2"), options, TimeProvider.System, NullLogger<QemuHypervisor>.Instance, migration);
            var leaseUntil = DateTimeOffset.UtcNow.AddHours(1); // the guest lease: without it no guest starts
            source.Renew(leaseUntil);
            target.Renew(leaseUntil);
            accel = source.Accelerator;
            settings.WriteTo(result, accel);
            Console.Out.WriteLine(Invariant($"accelerator: {accel}; state under {root}"));

            loopback = await MeasureLoopbackAsync(settings, result, cancellationToken);

            var n = 0;
            if (settings.Warmup && !cancellationToken.IsCancellationRequested)
            {
                // First QEMU launches, page cache, JIT: one small idle migration, not counted.
                var warm = await MigrateOnceAsync(source, target, settings, ++n, 64, 0, loopback, root, result, "warm-up ", cancellationToken);
                Console.Out.WriteLine($"warm-up (not counted): {warm.ToJson(settings.CheckIncoming).ToJsonString()}");
            }

            foreach (var size in settings.SizesMib)
            {
                foreach (var rate in settings.DirtyRatesMibPerSecond)
                {
                    for (var repeat = 0; repeat < settings.Repeats && !cancellationToken.IsCancellationRequested; repeat++)
                    {
                        var row = await MigrateOnceAsync(source, target, settings, ++n, size, rate, loopback, root, result, "", cancellationToken);
                        rows.Add(row);
                        Console.Out.WriteLine(row.ToJson(settings.CheckIncoming).ToJsonString());
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result.Note($"interrupted after {rows.Count} rows; the rows before it stand");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result.Note($"the run stopped after {rows.Count} rows: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            await CleanUpAsync(source, target, root, result);
        }

        if (accel is null)
        {
            settings.WriteTo(result, "unknown");
        }

        Report(result, rows, loopback, accel, settings.CheckIncoming);
        return result;
    }

    private static async Task<double?> MeasureLoopbackAsync(QemuMigrationSettings settings, BenchResult result, CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        try
        {
            await LoopbackThroughput.MeasureBytesPerSecondAsync(64L << 20, QemuMigrationSettings.LoopbackChunk, cancellationToken); // warm-up
            for (var i = 0; i < QemuMigrationSettings.LoopbackSamples; i++)
            {
                samples.Add(await LoopbackThroughput.MeasureBytesPerSecondAsync(
                    (long)settings.LoopbackMib << 20, QemuMigrationSettings.LoopbackChunk, cancellationToken));
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            result.Note($"a plain loopback transfer failed ({e.Message})");
        }

        if (samples.Count == 0)
        {
            result.Note("loopback_mib_s is null: no plain loopback transfer completed, so throughput_frac is null too");
            return null;
        }

        var text = string.Join(", ", samples.Select(s => (s / (1 << 20)).ToString("F0", CultureInfo.InvariantCulture)));
        result.Note(Invariant($"loopback_mib_s is the best of {samples.Count} plain TCP transfers over 127.0.0.1 of {settings.LoopbackMib} MiB in 1 MiB buffers, before the migrations: {text} MiB/s"));
        Console.Out.WriteLine($"raw loopback: {text} MiB/s");
        return samples.Max();
    }

    /// <summary>
    /// One migration of a fresh guest <c>mq-N</c>, bounded as a whole; the row says what was measured and a note says why a
    /// figure is missing. Whatever happens, no copy of the guest runs on either host afterwards.
    /// </summary>
    private static async Task<QemuMigrationRow> MigrateOnceAsync(
        QemuHypervisor source, QemuHypervisor target, QemuMigrationSettings settings, int n, int memoryMib, int rate, double? loopback,
        string root, BenchResult result, string label, CancellationToken cancellationToken)
    {
        var vm = new VmId(Invariant($"mq-{n}"));
        var ticket = new MigrationTicket(Invariant($"op-{n}"), vm, 1, 2);
        var wss = settings.WorkingSetMib(memoryMib);
        var spec = new GuestSpec(new ResourceAmounts(1, memoryMib, 0), new Dictionary<string, string>
        {
            [QemuOptions.WorkingSetLabel] = wss.ToString(CultureInfo.InvariantCulture),
            [QemuOptions.DirtyRateLabel] = rate.ToString(CultureInfo.InvariantCulture),
        });
        var scratch = Path.Combine(root, "dumps");
        var what = Invariant($"{label}{memoryMib} MiB at {rate} MiB/s ({vm})");
        var bound = settings.Timeout + QemuMigrationSettings.RowOverhead;
        using var row = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        row.CancelAfter(bound);
        var ct = row.Token;

        var step = "StartAsync on hv-1";
        MigrationResult? moved = null;
        double? totalSeconds = null, switchOverMs = null, migrateSeconds = null, confirmMs = null, activateMs = null;
        bool? ramOk = null, incomingOk = null;
        TestGuestStatus? incomingStatus = null;
        string? incomingRegisters = null;
        var converged = false;
        try
        {
            await source.StartAsync(vm, spec, ticket.SourceEpoch, ct);
            ulong ticksBefore;
            step = "TestGuestProbe on hv-1 (WaitReadyAsync)";
            await using (var probe = await TestGuestProbe.ConnectAsync(GuestFiles.For(source.HostDirectory, vm).MonitorSocket, scratch, ct))
            {
                await probe.WaitReadyAsync(settings.ReadyTimeout, ct);
                await Task.Delay(settings.Settle, ct); // dirtying at its steady rate before the migration starts
                ticksBefore = (await probe.ReadStatusAsync(ct)).Ticks;
            }

            var started = Stopwatch.GetTimestamp();
            step = "PrepareIncomingAsync on hv-2";
            var endpoint = await target.PrepareIncomingAsync(ticket, spec, ct);
            step = "MigrateOutAsync on hv-1";
            var migrating = Stopwatch.GetTimestamp();
            moved = await source.MigrateOutAsync(ticket, endpoint, progress: null, ct);
            migrateSeconds = Stopwatch.GetElapsedTime(migrating).TotalSeconds;
            var confirming = Stopwatch.GetTimestamp();
            step = "ConfirmIncomingAsync on hv-2";
            await target.ConfirmIncomingAsync(ticket, ct);
            confirmMs = Stopwatch.GetElapsedTime(confirming).TotalMilliseconds;
            // The VM grain commits the move to PostgreSQL here, between confirm and activate; not in this measure.
            var checkedIncoming = TimeSpan.Zero;
            if (settings.CheckIncoming)
            {
                step = "TestGuestProbe on the paused hv-1 and hv-2 copies (before ActivateIncoming)";
                var checking = Stopwatch.GetTimestamp();
                (incomingOk, incomingStatus, incomingRegisters) = await CheckIncomingAsync(source, target, vm, scratch, what, result, ct);
                checkedIncoming = Stopwatch.GetElapsedTime(checking);
            }

            var activating = Stopwatch.GetTimestamp();
            step = "ActivateIncomingAsync on hv-2";
            await target.ActivateIncomingAsync(ticket, ct);
            var running = DateTimeOffset.UtcNow;
            // From QEMU's STOP event (stamped by QEMU, host wall clock) to the destination running.
            switchOverMs = (running - moved.PausedAt - checkedIncoming).TotalMilliseconds;
            activateMs = Stopwatch.GetElapsedTime(activating).TotalMilliseconds;
            totalSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            step = "StopAsync on hv-1";
            await source.StopAsync(vm, ct);

            step = "TestGuestProbe on hv-2 (CheckMemoryAsync)";
            await using (var probe = await TestGuestProbe.ConnectAsync(GuestFiles.For(target.HostDirectory, vm).MonitorSocket, scratch, ct))
            {
                var (status, check) = await probe.CheckMemoryAsync(ct);
                var problems = new List<string>();
                if (!check.Ok)
                {
                    problems.Add($"RAM check {check}");
                }

                if (status.Ticks <= ticksBefore)
                {
                    problems.Add(Invariant($"ticks went from {ticksBefore} to {status.Ticks} (the guest did not continue)"));
                }

                if (status.Errors != 0)
                {
                    problems.Add(Invariant($"the guest counted {status.Errors} inconsistent pages (first {status.FirstErrorPage})"));
                }

                ramOk = problems.Count == 0;
                converged = ramOk.Value;
                if (!ramOk.Value)
                {
                    var detail = Invariant($"rounds {moved.Rounds}, QEMU downtime {moved.HypervisorDowntime?.TotalMilliseconds} ms; guest status at the check: {status}");
                    if (incomingStatus is not null)
                    {
                        detail += Invariant($"; before it ran, the paused destination copy checked ok={incomingOk} with ticks {incomingStatus.Ticks}, pages written {incomingStatus.PagesWritten}, cursor {incomingStatus.Cursor}, page in flight {incomingStatus.PageInFlight?.ToString(CultureInfo.InvariantCulture) ?? "none"}; paused vCPUs: {incomingRegisters}");
                    }

                    if (rate > 0 && !check.Ok && status.Errors == 0)
                    {
                        // A dirtying guest verifies each page before rewriting it: let it sweep its working set once, so its
                        // own count says whether the page is really stale in its RAM (and not a misreading of the dumps).
                        await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, ((double)wss / rate) + 1)), ct);
                        var later = await probe.ReadStatusAsync(ct);
                        detail += Invariant($"; after one more sweep the guest counted {later.Errors} inconsistent pages (first {later.FirstErrorPage})");
                    }

                    result.Note($"{what}: migrated, but the destination copy is wrong: {string.Join("; ", problems)} ({detail})");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            result.Note(Invariant($"{what}: the row timed out after {bound.TotalSeconds:F0} s in {step}"));
        }
        catch (Exception e)
        {
            result.Note($"{what}: {step} failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            await StopEverywhereAsync(source, target, vm, ticket, result, what);
        }

        double? throughput = moved is not null && migrateSeconds is > 0 && loopback is > 0 ? moved.BytesSent / migrateSeconds.Value / loopback.Value : null;
        if (moved is not null && moved.HypervisorDowntime is null)
        {
            result.Note($"{what}: qemu_downtime_ms is null: the driver reported no QEMU downtime");
        }

        return new QemuMigrationRow(
            memoryMib, rate, totalSeconds, moved?.HypervisorDowntime?.TotalMilliseconds, switchOverMs, moved?.Rounds, moved?.BytesSent, throughput,
            converged, source.Accelerator, migrateSeconds, moved?.SwitchOverDuration.TotalMilliseconds, confirmMs, activateMs,
            moved?.BandwidthBytesPerSecond / (1 << 20), moved?.ThrottlePercent, ramOk, incomingOk);
    }

    /// <summary>
    /// Diagnostic (<c>--check-incoming</c>), with both copies paused after ConfirmIncoming: the destination's status block,
    /// generation table and working set must equal the source's byte for byte, and the destination must pass the RAM check.
    /// </summary>
    private static async Task<(bool Ok, TestGuestStatus Status, string Registers)> CheckIncomingAsync(
        QemuHypervisor source, QemuHypervisor target, VmId vm, string scratch, string what, BenchResult result, CancellationToken ct)
    {
        await using var there = await TestGuestProbe.ConnectAsync(GuestFiles.For(target.HostDirectory, vm).MonitorSocket, scratch, ct);
        await using var here = await TestGuestProbe.ConnectAsync(GuestFiles.For(source.HostDirectory, vm).MonitorSocket, scratch, ct);
        var (status, check) = await there.CheckMemoryAsync(ct);
        var sourceStatus = await here.ReadStatusAsync(ct);
        var registers = $"source {await RegistersAsync(here, ct)}; destination {await RegistersAsync(there, ct)}";
        var pages = checked((int)status.WorkingSetPages);
        var ok = check.Ok;
        if (!check.Ok)
        {
            result.Note($"{what}: the paused destination copy, before it ran: RAM check {check}; guest status {status}");
        }

        (string Name, long Address, long Size)[] regions =
        [
            ("status block", TestGuestLayout.StatusBlockAddress, TestGuestLayout.StatusBlockSize),
            ("generation table", TestGuestLayout.GenerationTableAddress, TestGuestLayout.GenerationTableSize(pages)),
            ("working set", TestGuestLayout.WorkingSetAddress, TestGuestLayout.WorkingSetSize(pages)),
        ];
        foreach (var (name, address, size) in regions)
        {
            var mine = await here.DumpAsync(address, size, ct);
            var theirs = await there.DumpAsync(address, size, ct);
            var differ = mine.AsSpan().CommonPrefixLength(theirs);
            if (differ == mine.Length && mine.Length == theirs.Length)
            {
                continue;
            }

            ok = false;
            var differing = Enumerable.Range(0, Math.Min(mine.Length, theirs.Length) / 4).Count(w => BitConverter.ToUInt32(mine, w * 4) != BitConverter.ToUInt32(theirs, w * 4));
            var page = differ / TestGuestLayout.PageSize;
            var word = differ % TestGuestLayout.PageSize / 4;
            result.Note(Invariant($"{what}: the paused copies differ in the {name}: {differing} words differ, the first at page {page} word {word} (source 0x{BitConverter.ToUInt32(mine, differ & ~3):X8}, destination 0x{BitConverter.ToUInt32(theirs, differ & ~3):X8}); source status {sourceStatus}; destination status {status}"));
        }

        return (ok, status, registers);
    }

    /// <summary>The paused vCPU's EIP, ESI, EDI, ECX and EFLAGS (QEMU's <c>info registers</c>), for the diagnostic.</summary>
    private static async Task<string> RegistersAsync(TestGuestProbe probe, CancellationToken ct)
    {
        var text = (await probe.Qmp.ExecuteAsync("human-monitor-command", new JsonObject { ["command-line"] = "info registers" }, ct)).GetString() ?? "";
        var wanted = new[] { "EIP=", "ESI=", "EDI=", "ECX=", "EFL=" };
        return string.Join(" ", text.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Where(t => wanted.Any(w => t.StartsWith(w, StringComparison.Ordinal))));
    }

    /// <summary>Stops any copy of the guest on either host (an incoming one included), each step bounded; failures become notes.</summary>
    private static async Task StopEverywhereAsync(QemuHypervisor source, QemuHypervisor target, VmId vm, MigrationTicket ticket, BenchResult result, string what)
    {
        using var bound = new CancellationTokenSource(CleanupBound);
        (string Step, Func<Task> Run)[] steps =
        [
            ("AbortIncomingAsync on hv-2", () => target.AbortIncomingAsync(ticket, bound.Token)),
            ("StopAsync on hv-1", () => source.StopAsync(vm, bound.Token)),
            ("StopAsync on hv-2", () => target.StopAsync(vm, bound.Token)),
        ];
        foreach (var (step, run) in steps)
        {
            try
            {
                await run();
            }
            catch (Exception e)
            {
                result.Note($"{what}: clean-up {step} failed: {e.GetType().Name}: {e.Message} (its process is killed at the end)");
            }
        }
    }

    /// <summary>Disposes the drivers, kills every process still naming the temp folder (QEMUs, lease watchdogs) and removes it.</summary>
    private static async Task CleanUpAsync(QemuHypervisor? source, QemuHypervisor? target, string root, BenchResult result)
    {
        foreach (var driver in new[] { source, target })
        {
            if (driver is null)
            {
                continue;
            }

            try
            {
                await driver.DisposeAsync();
            }
            catch (Exception e)
            {
                result.Note($"disposing the driver of {driver.HostId} failed: {e.GetType().Name}: {e.Message}");
            }
        }

        var watch = Stopwatch.StartNew();
        var leftovers = ProcessesUnder(root);
        foreach (var (pid, commandLine) in leftovers)
        {
            if (commandLine.Contains("qemu-system", StringComparison.Ordinal))
            {
                result.Note(Invariant($"a QEMU process was still running at the end (pid {pid}); killed"));
            }

            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // gone meanwhile
            }
        }

        while (ProcessesUnder(root).Count > 0 && watch.Elapsed < LeftoverWait)
        {
            await Task.Delay(50);
        }

        if (ProcessesUnder(root) is { Count: > 0 } stuck)
        {
            result.Note($"processes under {root} did not exit: {string.Join(", ", stuck.Select(p => p.Pid))}");
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result.Note($"could not remove {root}: {e.Message}");
        }
    }

    private static List<(int Pid, string CommandLine)> ProcessesUnder(string root)
    {
        var found = new List<(int, string)>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(root, StringComparison.Ordinal))
                {
                    found.Add((pid, commandLine));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile, or not ours
            }
        }

        return found;
    }

    private static void Report(BenchResult result, List<QemuMigrationRow> rows, double? loopback, string? accel, bool checkIncoming)
    {
        var idle = rows.Where(r => r.Converged && r.DirtyMibPerSecond == 0 && r.SwitchOverMs is not null).Select(r => r.SwitchOverMs!.Value).ToList();
        var all = rows.Where(r => r.Converged && r.SwitchOverMs is not null).Select(r => r.SwitchOverMs!.Value).ToList();
        var downtimes = rows.Where(r => r.Converged && r.QemuDowntimeMs is not null).Select(r => r.QemuDowntimeMs!.Value).ToList();
        result.Add("loopback_mib_s", loopback / (1 << 20), "MiB/s", 0);
        result.Add("switchover_p99_ms", Percentiles.Of(idle, 99), "ms", 1);
        result.Add("switchover_p99_ms_all", Percentiles.Of(all, 99), "ms", 1);
        result.Add("qemu_downtime_p99_ms", Percentiles.Of(downtimes, 99), "ms", 1);
        result.Add("converged", rows.Count(r => r.Converged), "rows");
        result.Add("failed", rows.Count(r => !r.Converged), "rows");
        result.Table("rows", new JsonArray(rows.Select(r => (JsonNode?)r.ToJson(checkIncoming)).ToArray()));

        result.Note("total_s runs from PrepareIncoming on the destination to ActivateIncoming done (the destination QEMU's start is in it); migrate_s is MigrateOut alone");
        result.Note("qemu_downtime_ms is QEMU's own downtime (query-migrate 'downtime' on the source: its vCPUs stopped until the stream completed). switchover_ms is HostGrid's: the source's pause (QEMU's STOP event) until the destination runs (ConfirmIncoming + ActivateIncoming included); the VM grain also commits to PostgreSQL between the two, which is not in this figure. Its parts (extra): pause_to_complete_ms, the STOP event to MigrateOut's return after QEMU's completion (MigrationResult.SwitchOverDuration), then confirm_ms (ConfirmIncoming: the destination has loaded the whole stream) and activate_ms (ActivateIncoming: cont until it runs)");
        result.Note("switchover_p99_ms is over the idle (dirty 0) rows that converged; switchover_p99_ms_all and qemu_downtime_p99_ms over every converged row. Percentiles interpolate linearly, so with few rows p99 is close to the maximum");
        result.Note("throughput_frac = bytes_sent / migrate_s ÷ loopback_mib_s. bytes_sent is QEMU's 'transferred': pages never written (zero) go as a few bytes each, so an idle guest sends about its working set, not its memory. qemu_mib_s (extra) is QEMU's own 'mbps' at the end (MigrationResult.BandwidthBytesPerSecond)");
        result.Note("converged is true only when the migration completed, the destination ran, and the destination's RAM check passed (every working-set page matches its generation, the tick counter moved on, the guest counted no errors); any failure has its own note");
        if (accel == "tcg" && Directory.Exists(PvmModule))
        {
            result.Note($"accel is tcg: {PvmModule} exists, so /dev/kvm is PVM (a software KVM that runs ordinary guests about 100x slower than TCG) and the driver's Auto accelerator picks TCG");
        }
        else if (accel == "tcg")
        {
            result.Note("accel is tcg: no usable hardware KVM here (or --accel tcg); guests run under QEMU's emulator");
        }

        if (rows.Count == 0)
        {
            result.Note("no migration was measured");
        }

        if (idle.Count == 0)
        {
            result.Note("switchover_p99_ms is null: no idle migration converged");
        }

        if (downtimes.Count == 0)
        {
            result.Note("qemu_downtime_p99_ms is null: no converged migration reported QEMU's downtime");
        }

        result.Measured = idle.Count > 0;
    }

    /// <summary>A new folder under /tmp (or TMPDIR when that is short): the guests' unix sockets live a few levels below it.</summary>
    private static string ShortTempDirectory()
    {
        var temp = Path.GetTempPath();
        var parent = temp.Length <= 32 ? temp : "/tmp";
        var path = Path.Combine(parent, "hgmq-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
