using System.Diagnostics;
using HostGrid.Contracts;
using HostGrid.Contracts.Errors;
using HostGrid.Hypervisor.Qemu.Tests.TestGuest;
using Xunit;

namespace HostGrid.Hypervisor.Qemu.Tests.Driver;

/// <summary>The QEMU driver's guest lifecycle, adoption and lease watchdog on real QEMU processes.</summary>
[Trait("Category", "Qemu")]
public sealed class QemuHypervisorTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StartListStop_TestGuest_ProcessRunsThenIsGone()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var driver = hosts.Driver("hv-1");
        var vm = new VmId("web-1");
        using var bound = new CancellationTokenSource(Bound);

        await driver.StartAsync(vm, QemuHosts.Spec(), epoch: 3, bound.Token);
        var guest = Assert.Single(await driver.ListAsync(bound.Token));
        Assert.Equal((vm, 3L, true), (guest.VmId, guest.Epoch, guest.Running));
        Assert.True(guest.MemoryUsedMib > 0, "RSS of the QEMU process is reported");
        Assert.NotNull(hosts.Pid(driver, vm));
        Assert.True(File.Exists(driver.DiskPath(vm, QemuHosts.Spec())), "the guest's disk image is created on shared storage");
        await using (var probe = await hosts.ProbeAsync(driver, vm, bound.Token))
        {
            Assert.True((await probe.WaitReadyAsync(TimeSpan.FromSeconds(10), bound.Token)).IsReady);
        }

        await driver.StopAsync(vm, bound.Token);

        Assert.Empty(await driver.ListAsync(bound.Token));
        Assert.Null(hosts.Pid(driver, vm));
        Assert.False(Directory.Exists(hosts.Files(driver, vm).Directory));
        Assert.True(File.Exists(driver.DiskPath(vm, QemuHosts.Spec())), "a stopped guest keeps its disk");
    }

    [Fact]
    public async Task Delete_RunningGuest_StopsItAndDeletesItsDisk_TheNextIncarnationGetsANewDisk()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var driver = hosts.Driver("hv-1");
        var vm = new VmId("web-1");
        var first = QemuHosts.Spec() with { Incarnation = 1 };
        var second = QemuHosts.Spec() with { Incarnation = 2 };
        using var bound = new CancellationTokenSource(Bound);
        await driver.StartAsync(vm, first, epoch: 1, bound.Token);
        File.WriteAllText(Path.Combine(hosts.Root, "disks", "other-1-1.qcow2"), "another guest's disk");

        await driver.DeleteAsync(vm, first, bound.Token);

        Assert.Empty(await driver.ListAsync(bound.Token));
        Assert.Null(hosts.Pid(driver, vm));
        Assert.False(File.Exists(driver.DiskPath(vm, first)), "the deleted guest's disk is gone");
        Assert.True(File.Exists(Path.Combine(hosts.Root, "disks", "other-1-1.qcow2")), "other disks stay");
        await driver.DeleteAsync(vm, first, bound.Token); // idempotent

        await driver.StartAsync(vm, second, epoch: 2, bound.Token);
        Assert.True(File.Exists(driver.DiskPath(vm, second)));
        Assert.NotEqual(driver.DiskPath(vm, first), driver.DiskPath(vm, second));
    }

    [Fact]
    public async Task Start_NewerEpoch_ReplacesTheOlderProcess_SameEpochIsANoOp()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var driver = hosts.Driver("hv-1");
        var vm = new VmId("db-1");
        using var bound = new CancellationTokenSource(Bound);
        await driver.StartAsync(vm, QemuHosts.Spec(), 1, bound.Token);
        var first = hosts.Pid(driver, vm);

        await driver.StartAsync(vm, QemuHosts.Spec(), 1, bound.Token);
        Assert.Equal(first, hosts.Pid(driver, vm));

        await driver.StartAsync(vm, QemuHosts.Spec(), 2, bound.Token);
        var second = hosts.Pid(driver, vm);
        Assert.NotEqual(first, second);
        Assert.False(File.Exists($"/proc/{first}/cmdline") && File.ReadAllText($"/proc/{first}/cmdline").Contains(hosts.Root, StringComparison.Ordinal), "the epoch-1 process is gone");
        Assert.Equal(2, Assert.Single(await driver.ListAsync(bound.Token)).Epoch);
    }

    [Fact]
    public async Task Start_WithoutALiveLease_RefusedNamingTheLease()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var options = hosts.Options;
        options.LeaseWait = TimeSpan.FromMilliseconds(200);
        var driver = hosts.Driver("hv-1", lease: TimeSpan.Zero, options: options);
        using var bound = new CancellationTokenSource(Bound);

        var error = await Assert.ThrowsAsync<HypervisorFailedException>(() => driver.StartAsync(new VmId("web-1"), QemuHosts.Spec(), 1, bound.Token));

        Assert.Contains("lease", error.Message, StringComparison.Ordinal);
        Assert.Empty(hosts.Processes());
    }

    [Fact]
    public async Task NewDriver_AfterAgentRestart_AdoptsRunningGuestsWithTheirEpochs()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var vm = new VmId("web-1");
        using var bound = new CancellationTokenSource(Bound);
        var before = hosts.Driver("hv-1");
        await before.StartAsync(vm, QemuHosts.Spec(), 7, bound.Token);
        var pid = hosts.Pid(before, vm);
        await before.DisposeAsync(); // the agent goes; its guests do not

        var after = hosts.Driver("hv-1");
        var guest = Assert.Single(await after.ListAsync(bound.Token));

        Assert.Equal((vm, 7L, true), (guest.VmId, guest.Epoch, guest.Running));
        Assert.Equal(pid, hosts.Pid(after, vm));
        await after.StopAsync(vm, bound.Token); // and it drives the adopted guest
        Assert.Null(hosts.Pid(after, vm));
    }

    [Fact]
    public async Task Watchdog_LeaseLapses_KillsEveryGuestOfTheHost()
    {
        if (!TestGuestQemu.CanRun())
        {
            return;
        }

        await using var hosts = new QemuHosts();
        var driver = hosts.Driver("hv-1", lease: TimeSpan.FromSeconds(4));
        using var bound = new CancellationTokenSource(Bound);
        await driver.StartAsync(new VmId("a"), QemuHosts.Spec(), 1, bound.Token);
        await driver.StartAsync(new VmId("b"), QemuHosts.Spec(), 1, bound.Token);
        Assert.Equal(2, (await driver.ListAsync(bound.Token)).Count);
        var lapse = driver.LeaseValidUntil;

        // Nothing renews the lease, as with a killed or frozen agent: the watchdog, a process of its own, acts.
        var watch = Stopwatch.StartNew();
        while ((hosts.Pid(driver, new VmId("a")) is not null || hosts.Pid(driver, new VmId("b")) is not null) && watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(20, bound.Token);
        }

        var killedAfterLapse = DateTimeOffset.UtcNow - lapse;
        Assert.Null(hosts.Pid(driver, new VmId("a")));
        Assert.Null(hosts.Pid(driver, new VmId("b")));
        Assert.True(killedAfterLapse < TimeSpan.FromSeconds(1), $"guests killed {killedAfterLapse.TotalMilliseconds:F0} ms after the lease lapsed");
        Assert.Empty(await driver.ListAsync(bound.Token));
        var log = await File.ReadAllTextAsync(Path.Combine(driver.HostDirectory, "watchdog.log"), bound.Token);
        Assert.Contains("lease lapsed", log, StringComparison.Ordinal);
    }
}
