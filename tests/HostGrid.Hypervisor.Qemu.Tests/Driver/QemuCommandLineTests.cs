using HostGrid.Contracts;
using HostGrid.Hypervisor.Qemu.Guests;
using Xunit;

namespace HostGrid.Hypervisor.Qemu.Tests.Driver;

public sealed class QemuCommandLineTests
{
    private static readonly GuestFiles Files = GuestFiles.For("/var/lib/hostgrid/qemu/hv-1", new VmId("web-1"));

    [Fact]
    public void Build_Spec_MachineMemoryCpusSocketsAndPidFile()
    {
        var args = QemuCommandLine.Build(new VmId("web-1"), QemuHosts.Spec(memoryMib: 2048), Files, "kvm", kernel: null, disk: null, incoming: false);

        Assert.Equal("q35,accel=kvm", After(args, "-machine"));
        Assert.Equal("2048M", After(args, "-m"));
        Assert.Equal("1", After(args, "-smp"));
        Assert.Equal(Files.PidFile, After(args, "-pidfile"));
        Assert.Contains($"unix:{Files.QmpSocket},server=on,wait=off", args);
        Assert.Contains($"unix:{Files.MonitorSocket},server=on,wait=off", args);
        Assert.Contains("-daemonize", args);
        Assert.DoesNotContain("-incoming", args);
        Assert.DoesNotContain("-kernel", args);
        Assert.DoesNotContain("-drive", args);
    }

    [Fact]
    public void Build_Incoming_PausedUntilActivatedAndWaitsForMigrateIncoming()
    {
        var args = QemuCommandLine.Build(new VmId("web-1"), QemuHosts.Spec(), Files, "tcg", kernel: null, disk: null, incoming: true);

        Assert.Contains("-S", args);
        Assert.Equal("defer", After(args, "-incoming"));
    }

    [Fact]
    public void Build_TestGuestKernelAndDisk_AppendFromLabelsAndVirtioDrive()
    {
        var args = QemuCommandLine.Build(new VmId("web-1"), QemuHosts.Spec(workingSetMib: 64, dirtyMibPerSecond: 20), Files, "tcg", "/k.elf", "/disks/web-1.qcow2", incoming: false);

        Assert.Equal("/k.elf", After(args, "-kernel"));
        Assert.Equal("wss_mib=64 dirty_mib_s=20", After(args, "-append"));
        Assert.Equal("file=/disks/web-1.qcow2,if=virtio,format=qcow2", After(args, "-drive"));
    }

    [Fact]
    public void TestGuestArguments_NoOrBadLabels_Empty()
    {
        var spec = QemuHosts.Spec() with { Labels = new Dictionary<string, string> { [QemuOptions.WorkingSetLabel] = "lots" } };

        Assert.Equal("", QemuCommandLine.TestGuestArguments(spec));
    }

    private static string After(IReadOnlyList<string> args, string flag) => args[args.ToList().IndexOf(flag) + 1];
}
