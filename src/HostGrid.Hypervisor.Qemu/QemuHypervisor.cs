using System.Collections.Concurrent;
using HostGrid.Contracts.Errors;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Qemu.Fencing;
using HostGrid.Hypervisor.Qemu.Guests;
using HostGrid.Hypervisor.Qemu.Qmp;
using HostGrid.Hypervisor.Qemu.TestGuest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostGrid.Hypervisor.Qemu;

/// <summary>
/// A host's hypervisor on QEMU: one daemonized QEMU process per guest, driven over its QMP socket. Guests outlive the agent:
/// a restarted agent adopts them from their files (<see cref="GuestFiles"/>), and a <see cref="LeaseWatchdog"/> outside the
/// agent kills them once the agent stops renewing the host's <see cref="GuestLease"/>, so a dead or frozen agent never leaves
/// a guest running past the fencing window. Live migration uses QEMU's own stream (see <c>QemuHypervisor.Migration.cs</c>).
/// </summary>
public sealed partial class QemuHypervisor : IHypervisorDriver, IGuestLease, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan QuitWait = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<VmId, QemuGuest> _guests = new();
    private readonly ConcurrentDictionary<VmId, QemuGuest> _incoming = new();
    private readonly QemuOptions _options;
    private readonly MigrationOptions _migration;
    private readonly TimeProvider _time;
    private readonly ILogger<QemuHypervisor> _logger;
    private readonly GuestLease _lease;
    private readonly LeaseWatchdog _watchdog;
    private readonly string _accelerator;
    private readonly string? _kernel;
    private readonly SemaphoreSlim _adoptGate = new(1, 1);
    private bool _adopted;

    public QemuHypervisor(HostId hostId, QemuOptions options, TimeProvider time, ILogger<QemuHypervisor> logger, MigrationOptions? migration = null)
    {
        var invalid = new QemuOptionsValidator().Validate(null, options);
        if (invalid.Failed)
        {
            throw new OptionsValidationException(QemuOptions.SectionName, typeof(QemuOptions), invalid.Failures);
        }

        HostId = hostId;
        _options = options;
        _migration = migration ?? new MigrationOptions();
        _time = time;
        _logger = logger;
        HostDirectory = Path.Combine(options.StateDirectory, hostId.Value);
        Directory.CreateDirectory(GuestFiles.GuestsDirectory(HostDirectory));
        _lease = new GuestLease(HostDirectory, time);
        _watchdog = new LeaseWatchdog(HostDirectory);
        _accelerator = ResolveAccelerator(options.Accelerator);
        _kernel = options.Kernel switch
        {
            QemuOptions.TestGuestKernel => TestGuestLayout.KernelPath,
            "" => null,
            var path => path,
        };
    }

    public HostId HostId { get; }

    /// <summary>This host's folder under <see cref="QemuOptions.StateDirectory"/>.</summary>
    public string HostDirectory { get; }

    /// <summary><c>kvm</c> or <c>tcg</c>, as resolved from <see cref="QemuOptions.Accelerator"/>.</summary>
    public string Accelerator => _accelerator;

    /// <summary>When the host's guest lease ends.</summary>
    public DateTimeOffset LeaseValidUntil => _lease.ValidUntil;

    public void Renew(DateTimeOffset validUntil) => _lease.Renew(validUntil);

    public async Task StartAsync(VmId vmId, GuestSpec spec, long epoch, CancellationToken cancellationToken)
    {
        await EnsureAdoptedAsync(cancellationToken);
        if (_guests.TryGetValue(vmId, out var existing))
        {
            if (existing.Epoch == epoch && existing.IsAlive)
            {
                return; // already running at this epoch
            }

            await ShutDownAsync(_guests, existing, graceful: false, cancellationToken); // an older copy never runs beside the new one
        }

        if (_incoming.TryGetValue(vmId, out var incoming))
        {
            await ShutDownAsync(_incoming, incoming, graceful: false, cancellationToken);
        }

        var guest = await LaunchAsync(vmId, spec, epoch, incomingOperation: null, cancellationToken);
        _guests[vmId] = guest;
        LogGuestStarted(HostId, vmId, epoch, guest.Pid, _accelerator);
    }

    public async Task StopAsync(VmId vmId, CancellationToken cancellationToken)
    {
        await EnsureAdoptedAsync(cancellationToken);
        if (_guests.TryGetValue(vmId, out var guest))
        {
            await ShutDownAsync(_guests, guest, graceful: !guest.Record.BootsBundledTestGuest, cancellationToken);
            LogGuestStopped(HostId, vmId, guest.Epoch);
        }
    }

    /// <summary>No power-down first: the guest's disk goes with it, so its OS has nothing to save.</summary>
    public async Task DeleteAsync(VmId vmId, GuestSpec spec, CancellationToken cancellationToken)
    {
        await EnsureAdoptedAsync(cancellationToken);
        foreach (var table in new[] { _guests, _incoming })
        {
            if (table.TryGetValue(vmId, out var guest))
            {
                await ShutDownAsync(table, guest, graceful: false, cancellationToken);
                LogGuestStopped(HostId, vmId, guest.Epoch);
            }
        }

        var path = DiskPath(vmId, spec);
        File.Delete(path + ".tmp");
        if (File.Exists(path))
        {
            File.Delete(path);
            LogDiskDeleted(HostId, vmId, path);
        }
    }

    public async Task<IReadOnlyList<GuestStatus>> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureAdoptedAsync(cancellationToken);
        var statuses = new List<GuestStatus>();
        foreach (var guest in _guests.Values)
        {
            if (!guest.IsAlive)
            {
                // Killed by the watchdog, crashed, or powered off from inside: it runs no more.
                await ForgetAsync(_guests, guest);
                continue;
            }

            var running = await TryStatusAsync(guest, cancellationToken) is "running" or null;
            statuses.Add(new GuestStatus(guest.VmId, guest.Epoch, running, guest.SampleCpuDemand(), QemuProcess.ResidentMib(guest.Pid) ?? 0));
        }

        return statuses;
    }

    public Task<bool> CheckHealthAsync(CancellationToken cancellationToken) =>
        Task.FromResult(QemuProcess.FindOnPath(_options.Binary) is not null && (_accelerator != "kvm" || KvmOpens()));

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Lets go of the QMP connections; the guests keep running for the next agent to adopt.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var guest in _guests.Values.Concat(_incoming.Values))
        {
            await guest.DisposeAsync();
        }

        _guests.Clear();
        _incoming.Clear();
        _adoptGate.Dispose();
        _watchdog.Dispose(); // the watchdog process itself guards the guests on
    }

    /// <summary>Starts a guest's QEMU process (an incoming copy when <paramref name="incomingOperation"/> is set) and connects to it.</summary>
    private async Task<QemuGuest> LaunchAsync(VmId vmId, GuestSpec spec, long epoch, string? incomingOperation, CancellationToken cancellationToken)
    {
        if (!await _lease.WaitValidAsync(_options.LeaseWait, cancellationToken))
        {
            throw new HypervisorFailedException(HostId, $"cannot start vm {vmId}: the host holds no live guest lease (no acknowledged heartbeat since {_lease.ValidUntil:O}), so its watchdog would kill it");
        }

        var files = GuestFiles.For(HostDirectory, vmId);
        if (files.QmpSocket.Length > GuestFiles.MaxSocketPathLength)
        {
            throw new HypervisorFailedException(HostId, $"cannot start vm {vmId}: its QMP socket path {files.QmpSocket} is longer than {GuestFiles.MaxSocketPathLength} bytes; shorten {QemuOptions.SectionName}:StateDirectory");
        }

        if (Directory.Exists(files.Directory))
        {
            Directory.Delete(files.Directory, recursive: true);
        }

        Directory.CreateDirectory(files.Directory);
        var record = new GuestRecord(vmId.Value, epoch, incomingOperation, _time.GetUtcNow(), _kernel == TestGuestLayout.KernelPath);
        record.Save(files);
        int? pid = null;
        try
        {
            // The watchdog guards the directory before the process exists, so no guest ever runs unguarded.
            await _watchdog.EnsureRunningAsync(cancellationToken);
            var disk = await EnsureDiskAsync(vmId, spec, cancellationToken);
            var arguments = QemuCommandLine.Build(vmId, spec, files, _accelerator, _kernel, disk, incoming: incomingOperation is not null);
            pid = await QemuProcess.LaunchAsync(_options.Binary, arguments, files, _options.CommandTimeout, cancellationToken);
            var qmp = await QmpClient.ConnectAsync(files.QmpSocket, _options.CommandTimeout, cancellationToken);
            qmp.CommandTimeout = _options.CommandTimeout;
            return new QemuGuest(vmId, files, pid.Value, qmp, record);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            pid ??= QemuProcess.ReadPid(files);
            if (pid is { } started)
            {
                await QemuProcess.KillAsync(started, files, QuitWait, CancellationToken.None);
            }

            TryDeleteDirectory(files.Directory);
            throw e is HostGridException ? e : new HypervisorFailedException(HostId, $"cannot start vm {vmId}: {e.Message}");
        }
    }

    /// <summary>
    /// Stops a guest's process: an ACPI power-down first when <paramref name="graceful"/> and the guest runs, then QMP <c>quit</c>,
    /// then SIGKILL; each step bounded. Removes its files (not its disk). A source still serving a post-copy waits for it first.
    /// </summary>
    private async Task ShutDownAsync(ConcurrentDictionary<VmId, QemuGuest> table, QemuGuest guest, bool graceful, CancellationToken cancellationToken)
    {
        await AwaitPostCopyAsync(guest, cancellationToken);
        if (graceful && _options.PowerdownTimeout > TimeSpan.Zero && guest.IsAlive && await TryStatusAsync(guest, cancellationToken) == "running")
        {
            try
            {
                await guest.Qmp.ExecuteAsync("system_powerdown", null, StatusTimeout, cancellationToken);
                await QemuProcess.WaitForExitAsync(guest.Pid, guest.Files, _options.PowerdownTimeout, cancellationToken);
            }
            catch (Exception e) when (e is QmpException or IOException or TimeoutException)
            {
                // fall through to quit
            }
        }

        if (guest.IsAlive)
        {
            try
            {
                await guest.Qmp.ExecuteAsync("quit", null, StatusTimeout, cancellationToken);
            }
            catch (Exception e) when (e is QmpException or IOException or TimeoutException)
            {
                // the process may be wedged: it is killed below
            }

            if (!await QemuProcess.WaitForExitAsync(guest.Pid, guest.Files, QuitWait, cancellationToken))
            {
                LogStopEscalated(HostId, guest.VmId, guest.Pid);
                await QemuProcess.KillAsync(guest.Pid, guest.Files, QuitWait, cancellationToken);
            }
        }

        await ForgetAsync(table, guest);
    }

    /// <summary>Drops a guest whose process is gone from the table and removes its files.</summary>
    private static async Task ForgetAsync(ConcurrentDictionary<VmId, QemuGuest> table, QemuGuest guest)
    {
        table.TryRemove(new KeyValuePair<VmId, QemuGuest>(guest.VmId, guest));
        await guest.DisposeAsync();
        TryDeleteDirectory(guest.Files.Directory);
    }

    private static async Task<string?> TryStatusAsync(QemuGuest guest, CancellationToken cancellationToken)
    {
        try
        {
            return await guest.StatusAsync(StatusTimeout, cancellationToken);
        }
        catch (Exception e) when (e is QmpException or IOException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Before the first command: adopt the guests a previous agent left running (their process alive and answering QMP);
    /// stop incoming copies it never activated and clear the files of guests that are gone.
    /// </summary>
    private async Task EnsureAdoptedAsync(CancellationToken cancellationToken)
    {
        if (_adopted)
        {
            return;
        }

        await _adoptGate.WaitAsync(cancellationToken);
        try
        {
            if (_adopted)
            {
                return;
            }

            foreach (var directory in Directory.GetDirectories(GuestFiles.GuestsDirectory(HostDirectory)))
            {
                await AdoptAsync(new GuestFiles(directory), cancellationToken);
            }

            if (!_guests.IsEmpty)
            {
                await _watchdog.EnsureRunningAsync(cancellationToken);
            }

            _adopted = true;
        }
        finally
        {
            _adoptGate.Release();
        }
    }

    private async Task AdoptAsync(GuestFiles files, CancellationToken cancellationToken)
    {
        var record = GuestRecord.Load(files);
        var pid = QemuProcess.ReadPid(files);
        var alive = pid is { } p && QemuProcess.IsGuestProcess(p, files);
        if (record is null || !alive || record.IncomingOperation is not null)
        {
            if (alive)
            {
                // An incoming copy never activated (or a process without a record): the migration it belonged to rolls back.
                LogOrphanStopped(HostId, Path.GetFileName(files.Directory), pid!.Value, record?.IncomingOperation ?? "no record");
                await QemuProcess.KillAsync(pid!.Value, files, QuitWait, cancellationToken);
            }

            TryDeleteDirectory(files.Directory);
            return;
        }

        try
        {
            var qmp = await QmpClient.ConnectAsync(files.QmpSocket, StatusTimeout, cancellationToken);
            qmp.CommandTimeout = _options.CommandTimeout;
            var vmId = new VmId(record.VmId);
            _guests[vmId] = new QemuGuest(vmId, files, pid!.Value, qmp, record);
            LogGuestAdopted(HostId, vmId, record.Epoch, pid.Value);
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            // Alive but not answering: it cannot be driven, so it must not run on unseen.
            LogOrphanStopped(HostId, record.VmId, pid!.Value, $"QMP does not answer: {e.Message}");
            await QemuProcess.KillAsync(pid.Value, files, QuitWait, cancellationToken);
            TryDeleteDirectory(files.Directory);
        }
    }

    /// <summary>The guest's disk on shared storage, created (sparse qcow2) on first start; null when the spec asks for none.</summary>
    private async Task<string?> EnsureDiskAsync(VmId vmId, GuestSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Resources.DiskGib <= 0)
        {
            return null;
        }

        Directory.CreateDirectory(_options.DiskDirectory);
        var path = DiskPath(vmId, spec);
        if (File.Exists(path))
        {
            return path;
        }

        await QemuProcess.RunAsync(_options.ImageTool, ["create", "-q", "-f", "qcow2", path + ".tmp", $"{spec.Resources.DiskGib}G"], _options.CommandTimeout, cancellationToken);
        File.Move(path + ".tmp", path, overwrite: false);
        return path;
    }

    /// <summary>One disk per guest incarnation: a guest created again under the same id starts on a new, empty disk.</summary>
    public string DiskPath(VmId vmId, GuestSpec spec) =>
        Path.Combine(_options.DiskDirectory, FormattableString.Invariant($"{vmId.Value}-{spec.Incarnation}.qcow2"));

    /// <summary>QEMU's <c>accel</c> value for a setting: <c>kvm</c> or <c>tcg</c>.</summary>
    public static string ResolveAccelerator(QemuAccelerator accelerator) => accelerator switch
    {
        QemuAccelerator.Kvm => "kvm",
        QemuAccelerator.Tcg => "tcg",
        _ => KvmOpens() && !Directory.Exists(PvmModule) ? "kvm" : "tcg",
    };

    /// <summary>
    /// PVM, a KVM implemented in software that some cloud VMs offer for nested guests, runs an ordinary guest about a hundred
    /// times slower than TCG (measured on these machines), so Auto takes TCG there.
    /// </summary>
    private const string PvmModule = "/sys/module/kvm_pvm";

    private static bool KvmOpens()
    {
        try
        {
            using var kvm = new FileStream("/dev/kvm", FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // a file still held open: the next start of this guest clears it
        }
    }
}
