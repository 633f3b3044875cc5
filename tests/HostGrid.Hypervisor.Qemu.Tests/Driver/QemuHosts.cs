using System.Diagnostics;
using HostGrid.Contracts;
using HostGrid.Contracts.Hosts;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Qemu.Guests;
using HostGrid.Hypervisor.Qemu.TestGuest;
using HostGrid.Hypervisor.Qemu.Tests.TestGuest;
using HostGrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace HostGrid.Hypervisor.Qemu.Tests.Driver;

/// <summary>
/// QEMU drivers for a few hosts sharing one short temp folder (state and disks), with their leases granted for the test.
/// Disposal kills every QEMU and watchdog process started under that folder and removes it.
/// </summary>
internal sealed class QemuHosts : IAsyncDisposable
{
    private readonly List<QemuHypervisor> _drivers = [];

    public QemuHosts() => Root = Directory.CreateTempSubdirectory("hgq-").FullName;

    public string Root { get; }

    public QemuOptions Options => new()
    {
        StateDirectory = Path.Combine(Root, "state"),
        DiskDirectory = Path.Combine(Root, "disks"),
        Accelerator = TestGuestQemu.Accelerator == "kvm" ? QemuAccelerator.Kvm : QemuAccelerator.Tcg,
        PowerdownTimeout = TimeSpan.FromSeconds(1),
    };

    /// <summary>A driver for <paramref name="host"/> whose lease runs for an hour unless <paramref name="lease"/> says otherwise.</summary>
    public QemuHypervisor Driver(string host, TimeSpan? lease = null, MigrationOptions? migration = null, QemuOptions? options = null)
    {
        var driver = new QemuHypervisor(new HostId(host), options ?? Options, TimeProvider.System, NullLogger<QemuHypervisor>.Instance, migration);
        if (lease != TimeSpan.Zero)
        {
            driver.Renew(DateTimeOffset.UtcNow + (lease ?? TimeSpan.FromHours(1)));
        }

        _drivers.Add(driver);
        return driver;
    }

    public static GuestSpec Spec(int memoryMib = 128, int workingSetMib = 16, int dirtyMibPerSecond = 0, int diskGib = 1) => new(
        new ResourceAmounts(1, memoryMib, diskGib),
        new Dictionary<string, string>
        {
            [QemuOptions.WorkingSetLabel] = workingSetMib.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [QemuOptions.DirtyRateLabel] = dirtyMibPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public GuestFiles Files(QemuHypervisor driver, VmId vmId) => GuestFiles.For(driver.HostDirectory, vmId);

    /// <summary>The pid of the guest's QEMU if it runs, else null.</summary>
    public int? Pid(QemuHypervisor driver, VmId vmId)
    {
        var files = Files(driver, vmId);
        return QemuProcess.ReadPid(files) is { } pid && QemuProcess.IsGuestProcess(pid, files) ? pid : null;
    }

    /// <summary>Every live process whose command line names this fixture's folder (QEMU guests and watchdogs).</summary>
    public IReadOnlyList<int> Processes() => ProcessesByCommandLine.Containing(Root);

    /// <summary>Starts the test guest at epoch 1 and waits until it is ready with its ticks moving; returns that status.</summary>
    public async Task<TestGuestStatus> StartReadyAsync(QemuHypervisor driver, VmId vmId, GuestSpec spec, CancellationToken cancellationToken)
    {
        await driver.StartAsync(vmId, spec, 1, cancellationToken);
        await using var probe = await ProbeAsync(driver, vmId, cancellationToken);
        return await probe.WaitReadyAsync(TimeSpan.FromSeconds(20), cancellationToken);
    }

    public Task<TestGuestProbe> ProbeAsync(QemuHypervisor driver, VmId vmId, CancellationToken cancellationToken) =>
        TestGuestProbe.ConnectAsync(Files(driver, vmId).MonitorSocket, Path.Combine(Root, "dumps"), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var driver in _drivers)
        {
            await driver.DisposeAsync();
        }

        ProcessesByCommandLine.KillContaining(Root);
        var watch = Stopwatch.StartNew();
        while (ProcessesByCommandLine.Containing(Root).Count > 0 && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a file still held by a dying process; /tmp is cleaned eventually
        }
    }
}
