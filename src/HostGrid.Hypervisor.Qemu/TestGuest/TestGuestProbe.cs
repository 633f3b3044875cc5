using System.Diagnostics;
using System.Text.Json.Nodes;
using HostGrid.Hypervisor.Qemu.Qmp;

namespace HostGrid.Hypervisor.Qemu.TestGuest;

/// <summary>
/// Looks into a running test guest through a QMP connection (for a driver's guest, its monitor socket,
/// <see cref="Guests.GuestFiles.MonitorSocket"/>): reads the status block, and checks every working-set page while the guest
/// is briefly paused. Tests and the migration benchmark use it to prove that RAM and the tick counter moved intact.
/// </summary>
public sealed class TestGuestProbe : IAsyncDisposable
{
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(50);
    private readonly string _scratchDirectory;
    private readonly bool _ownsConnection;

    private TestGuestProbe(QmpClient qmp, string scratchDirectory, bool ownsConnection)
    {
        Qmp = qmp;
        _scratchDirectory = scratchDirectory;
        _ownsConnection = ownsConnection;
    }

    public QmpClient Qmp { get; }

    /// <summary>Connects to a guest's monitor socket; dumps go to files in <paramref name="scratchDirectory"/> (QEMU writes them).</summary>
    public static async Task<TestGuestProbe> ConnectAsync(string monitorSocket, string scratchDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratchDirectory);
        return new TestGuestProbe(await QmpClient.ConnectAsync(monitorSocket, TimeSpan.FromSeconds(10), cancellationToken), scratchDirectory, ownsConnection: true);
    }

    /// <summary>A probe over a connection the caller keeps (and disposes).</summary>
    public static TestGuestProbe Over(QmpClient qmp, string scratchDirectory)
    {
        Directory.CreateDirectory(scratchDirectory);
        return new TestGuestProbe(qmp, scratchDirectory, ownsConnection: false);
    }

    public async Task<TestGuestStatus> ReadStatusAsync(CancellationToken cancellationToken) =>
        TestGuestStatus.Parse(await DumpAsync(TestGuestLayout.StatusBlockAddress, TestGuestLayout.StatusBlockSize, cancellationToken));

    /// <summary>Guest-physical memory through <c>pmemsave</c> (QEMU writes the file before it replies).</summary>
    public async Task<byte[]> DumpAsync(long address, long size, CancellationToken cancellationToken)
    {
        var file = Path.Combine(_scratchDirectory, $"dump-{address:x}-{Guid.NewGuid():N}.bin");
        try
        {
            await Qmp.ExecuteAsync("pmemsave", new JsonObject { ["val"] = address, ["size"] = size, ["filename"] = file }, cancellationToken);
            return await File.ReadAllBytesAsync(file, cancellationToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Polls (bounded) until the working set is initialised and the tick counter moves.</summary>
    public async Task<TestGuestStatus> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        TestGuestStatus? firstReady = null;
        var status = await ReadStatusAsync(cancellationToken);
        while (watch.Elapsed < timeout)
        {
            if (status.FaultVector is { } vector)
            {
                throw new InvalidOperationException($"the test guest faulted (vector {vector})");
            }

            if (status.IsReady)
            {
                firstReady ??= status;
                if (status.Ticks > firstReady.Ticks)
                {
                    return status;
                }
            }

            await Task.Delay(PollPeriod, cancellationToken);
            status = await ReadStatusAsync(cancellationToken);
        }

        throw new TimeoutException($"the test guest was not ready with its ticks moving within {timeout.TotalSeconds:F0} s; last status {status}");
    }

    /// <summary>Pauses the guest, checks every working-set page against its generation table, and runs it again if it ran.</summary>
    public async Task<(TestGuestStatus Status, TestGuestMemoryCheckResult Check)> CheckMemoryAsync(CancellationToken cancellationToken)
    {
        var wasRunning = (await Qmp.ExecuteAsync("query-status", null, cancellationToken)).GetProperty("status").GetString() == "running";
        if (wasRunning)
        {
            await Qmp.ExecuteAsync("stop", null, cancellationToken);
        }

        try
        {
            var status = await ReadStatusAsync(cancellationToken);
            var pages = checked((int)status.WorkingSetPages);
            var table = await DumpAsync(TestGuestLayout.GenerationTableAddress, TestGuestLayout.GenerationTableSize(pages), cancellationToken);
            var workingSet = await DumpAsync(TestGuestLayout.WorkingSetAddress, TestGuestLayout.WorkingSetSize(pages), cancellationToken);
            return (status, TestGuestMemoryCheck.Verify(status, table, workingSet));
        }
        finally
        {
            if (wasRunning)
            {
                await Qmp.ExecuteAsync("cont", null, CancellationToken.None);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            await Qmp.DisposeAsync();
        }
    }
}
