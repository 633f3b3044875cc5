using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HostGrid.Hypervisor.Qemu.Guests;
using HostGrid.Hypervisor.Qemu.Qmp;
using HostGrid.Hypervisor.Qemu.TestGuest;
using Xunit;

namespace HostGrid.Hypervisor.Qemu.Tests.TestGuest;

/// <summary>
/// One QEMU process booting the test guest, driven over QMP, with its own temp folder (socket, debugcon log, dumps)
/// that disposal removes after killing the process.
/// </summary>
internal sealed class TestGuestQemu : IAsyncDisposable
{
    public const string Binary = "qemu-system-x86_64";

    private static readonly TimeSpan QmpTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private QmpClient? _qmp;
    private TestGuestProbe? _probe;

    private TestGuestQemu(string name, DirectoryInfo directory, Process process)
    {
        Name = name;
        Directory = directory;
        _process = process;
    }

    public string Name { get; }
    public DirectoryInfo Directory { get; }
    public string LogPath => Path.Combine(Directory.FullName, "debugcon.log");
    public QmpClient Qmp => _qmp ?? throw new InvalidOperationException($"{Name}: QMP not connected");

    /// <summary>
    /// kvm or tcg. HOSTGRID_QEMU_ACCEL overrides. KVM only when it is hardware-backed: under kvm_pvm (a software
    /// KVM, found on these CI machines) a non-PVM guest is emulated instruction by instruction, ~100x slower than TCG.
    /// </summary>
    public static string Accelerator { get; } = ChooseAccelerator();

    /// <summary>
    /// False when this machine cannot run the QEMU tests and they should pass vacuously; under CI=true a missing
    /// QEMU or kernel fails instead, so a broken image cannot turn the tests green.
    /// </summary>
    public static bool CanRun()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (QemuProcess.FindOnPath(Binary) is null)
        {
            Assert.False(ci, $"{Binary} is not on PATH (CI=true: the QEMU tests must run)");
            return false;
        }

        Assert.True(File.Exists(TestGuestLayout.KernelPath), $"test guest kernel missing: {TestGuestLayout.KernelPath} (built by TestGuest.targets)");
        return true;
    }

    public static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Starts QEMU (paused for an incoming migration when <paramref name="incoming"/>) and connects QMP.</summary>
    public static async Task<TestGuestQemu> StartAsync(
        string name, int memoryMib, int workingSetMib, int dirtyMibPerSecond, bool incoming, CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("hgtg-");
        var socket = Path.Combine(directory.FullName, "qmp.sock");
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-machine", $"q35,accel={Accelerator}",
            "-m", $"{memoryMib}M",
            "-nodefaults", "-nographic", "-display", "none", "-serial", "none",
            "-kernel", TestGuestLayout.KernelPath,
            "-append", TestGuestLayout.CommandLine(workingSetMib, dirtyMibPerSecond),
            "-chardev", $"file,id=dbg,path={Path.Combine(directory.FullName, "debugcon.log")}",
            "-device", $"isa-debugcon,iobase=0x{TestGuestLayout.DebugConPort:x},chardev=dbg",
            "-qmp", $"unix:{socket},server=on,wait=off",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (incoming)
        {
            // Stays paused once the stream is in (as the driver's destinations do), so a test can check the copy that arrived.
            start.ArgumentList.Add("-S");
            start.ArgumentList.Add("-incoming");
            start.ArgumentList.Add("defer");
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{Binary} did not start");
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }

        var qemu = new TestGuestQemu(name, directory, process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (qemu._stderr)
            {
                qemu._stderr.AppendLine(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            qemu._qmp = await QmpClient.ConnectAsync(socket, QmpTimeout, cancellationToken);
            qemu._qmp.CommandTimeout = QmpTimeout;
            return qemu;
        }
        catch
        {
            await qemu.DisposeAsync();
            throw;
        }
    }

    /// <summary>Status block, dumps, readiness and the memory check, as the driver's tests read them (<see cref="TestGuestProbe"/>).</summary>
    private TestGuestProbe Probe => _probe ??= TestGuestProbe.Over(Qmp, Directory.FullName);

    public Task<TestGuestStatus> ReadStatusAsync(CancellationToken cancellationToken) => Probe.ReadStatusAsync(cancellationToken);

    public Task<byte[]> DumpAsync(long address, long size, CancellationToken cancellationToken) => Probe.DumpAsync(address, size, cancellationToken);

    /// <summary>Polls until the working set is ready and the tick counter has moved on; failures carry the guest's log.</summary>
    public async Task<TestGuestStatus> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await Probe.WaitReadyAsync(timeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new TimeoutException($"{Name}: {e.Message}. {Diagnostics()}", e);
        }
    }

    /// <summary>Polls query-status until it reports <paramref name="expected"/>.</summary>
    public async Task WaitForRunStateAsync(string expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var state = "";
        while (deadline.Elapsed < timeout)
        {
            state = (await Qmp.ExecuteAsync("query-status", null, cancellationToken)).GetProperty("status").GetString() ?? "";
            if (state == expected)
            {
                return;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"{Name}: run state {state}, not {expected}, after {timeout.TotalSeconds} s. {Diagnostics()}");
    }

    /// <summary>Pauses the guest (it stays paused), then checks every working-set page against the generation table.</summary>
    public async Task<(TestGuestStatus Status, TestGuestMemoryCheckResult Check)> StopAndCheckMemoryAsync(CancellationToken cancellationToken)
    {
        await Qmp.ExecuteAsync("stop", null, cancellationToken);
        await WaitForRunStateAsync("paused", QmpTimeout, cancellationToken);
        return await Probe.CheckMemoryAsync(cancellationToken);
    }

    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath, Encoding.Latin1) : "";

    /// <summary>The guest's own lines from the debugcon log (SeaBIOS logs there too) and QEMU's stderr, for messages.</summary>
    public string Diagnostics()
    {
        var guestLines = ReadLog().Split('\n').Where(line => line.StartsWith("hostgrid-test-guest", StringComparison.Ordinal) || line.StartsWith(TestGuestLayout.ErrorLinePrefix, StringComparison.Ordinal));
        string stderr;
        lock (_stderr)
        {
            stderr = _stderr.ToString().Trim();
        }

        return $"[{Name}: accel={Accelerator}, exited={_process.HasExited}, guest log: {string.Join(" | ", guestLines.Take(10))}; stderr: {stderr}]";
    }

    public async ValueTask DisposeAsync()
    {
        if (_qmp is not null)
        {
            try
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _qmp.ExecuteAsync("quit", null, quick.Token);
            }
            catch (Exception error) when (error is QmpException or IOException or TimeoutException or OperationCanceledException)
            {
                // Already gone or stuck: the kill below ends it either way.
            }

            await _qmp.DisposeAsync();
        }

        try
        {
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            using var killed = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(killed.Token);
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A file QEMU still held; the temp folder is cleaned by the OS eventually.
            }
        }
    }

    /// <summary>query-migrate's return, polled until the migration ends.</summary>
    public async Task<JsonElement> WaitForMigrationAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        JsonElement info = default;
        while (deadline.Elapsed < timeout)
        {
            info = await Qmp.ExecuteAsync("query-migrate", null, cancellationToken);
            var status = info.TryGetProperty("status", out var value) ? value.GetString() : null;
            if (status is "completed" or "failed" or "cancelled")
            {
                return info;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"{Name}: migration not finished after {timeout.TotalSeconds} s: {info}. {Diagnostics()}");
    }

    private static string ChooseAccelerator()
    {
        var forced = Environment.GetEnvironmentVariable("HOSTGRID_QEMU_ACCEL");
        return string.IsNullOrEmpty(forced) ? QemuHypervisor.ResolveAccelerator(QemuAccelerator.Auto) : forced.ToLowerInvariant();
    }
}
