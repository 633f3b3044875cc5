using System.Diagnostics;
using System.Net.Sockets;
using HostGrid.Contracts.Migration;
using HostGrid.Hypervisor.Qemu.Qmp;

namespace HostGrid.Hypervisor.Qemu.Guests;

/// <summary>One guest's running QEMU process as the driver holds it: its files, pid, QMP connection and record.</summary>
internal sealed class QemuGuest : IAsyncDisposable
{
    private TimeSpan _lastCpu;
    private long _lastSampleAt;

    public QemuGuest(VmId vmId, GuestFiles files, int pid, QmpClient qmp, GuestRecord record)
    {
        VmId = vmId;
        Files = files;
        Pid = pid;
        Qmp = qmp;
        Record = record;
        _lastCpu = QemuProcess.CpuTime(pid) ?? TimeSpan.Zero;
        _lastSampleAt = Stopwatch.GetTimestamp();
    }

    public VmId VmId { get; }

    public GuestFiles Files { get; }

    public int Pid { get; }

    public QmpClient Qmp { get; }

    public GuestRecord Record { get; set; }

    public long Epoch => Record.Epoch;

    /// <summary>Where an incoming copy listens for the migration stream.</summary>
    public MigrationEndpoint? Endpoint { get; set; }

    /// <summary>An incoming copy's listener for its stream, until the stream is handed to QEMU; closed with the guest.</summary>
    public Socket? IncomingListener { get; set; }

    /// <summary>An incoming copy whose stream QEMU has loaded completely (or, in post-copy, its device state): it can run.</summary>
    public bool IncomingComplete { get; set; }

    /// <summary>An incoming copy in post-copy: once it runs it pulls the pages it lacks from the source.</summary>
    public bool IncomingPostCopy { get; set; }

    /// <summary>This guest's move out, handed over to post-copy; null otherwise.</summary>
    public OutgoingMigration? Outgoing { get; set; }

    public bool IsAlive => QemuProcess.IsGuestProcess(Pid, Files);

    /// <summary>QEMU's run state: <c>running</c>, <c>paused</c>, <c>postmigrate</c>, <c>inmigrate</c>, <c>prelaunch</c>, ...</summary>
    public async Task<string> StatusAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var status = await Qmp.ExecuteAsync("query-status", null, timeout, cancellationToken);
        return status.GetProperty("status").GetString() ?? "unknown";
    }

    /// <summary>vCPUs' worth of host CPU the process used since the previous sample.</summary>
    public double SampleCpuDemand()
    {
        var cpu = QemuProcess.CpuTime(Pid) ?? _lastCpu;
        var now = Stopwatch.GetTimestamp();
        var wall = Stopwatch.GetElapsedTime(_lastSampleAt, now);
        var demand = wall > TimeSpan.Zero ? Math.Max(0, (cpu - _lastCpu) / wall) : 0;
        _lastCpu = cpu;
        _lastSampleAt = now;
        return demand;
    }

    public async ValueTask DisposeAsync()
    {
        IncomingListener?.Dispose();
        await Qmp.DisposeAsync();
    }
}
