using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Tests.Simulated;

public sealed class SimulatedHypervisorTests : IDisposable
{
    private static readonly VmId Web = new("web-1");
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ManualTime _time = new();
    private readonly SimulatedHypervisor _hypervisor;

    public SimulatedHypervisorTests() => _hypervisor = Guests.Hypervisor(_time);

    public void Dispose() => _hypervisor.Dispose();

    [Fact]
    public async Task ListAsync_NothingStarted_Empty()
    {
        Assert.Empty(await _hypervisor.ListAsync(None));
        Assert.Equal(Guests.Host, _hypervisor.HostId);
    }

    [Fact]
    public async Task StartAsync_Guest_ListedRunningWithEpochAndLoad()
    {
        await _hypervisor.StartAsync(Web, Guests.Spec(vcpus: 4, memoryMib: 1000), 2, None);

        var guest = Assert.Single(await _hypervisor.ListAsync(None));
        Assert.Equal((Web, 2L, true), (guest.VmId, guest.Epoch, guest.Running));
        Assert.Equal(600, guest.MemoryUsedMib);
        Assert.InRange(guest.CpuDemand, 4 * 0.2, 4 * 0.4);
    }

    [Fact]
    public async Task ListAsync_SeveralGuests_InIdOrder()
    {
        foreach (var id in new[] { "web-2", "db-1", "web-10" })
        {
            await _hypervisor.StartAsync(new VmId(id), Guests.Spec(), 1, None);
        }

        Assert.Equal(["db-1", "web-10", "web-2"], (await _hypervisor.ListAsync(None)).Select(g => g.VmId.Value));
    }

    [Fact]
    public async Task StopAsync_RunningGuest_NoLongerListed()
    {
        await _hypervisor.StartAsync(Web, Guests.Spec(), 1, None);
        await _hypervisor.StartAsync(new VmId("db-1"), Guests.Spec(), 1, None);

        await _hypervisor.StopAsync(Web, None);

        Assert.Equal(["db-1"], (await _hypervisor.ListAsync(None)).Select(g => g.VmId.Value));
    }

    [Fact]
    public async Task StopAsync_UnknownGuest_NoOp()
    {
        await _hypervisor.StartAsync(Web, Guests.Spec(), 1, None);

        await _hypervisor.StopAsync(new VmId("ghost"), None);
        await _hypervisor.StopAsync(new VmId("ghost"), None);

        Assert.Single(await _hypervisor.ListAsync(None));
    }

    [Fact]
    public async Task StartAsync_SameEpochAgain_KeepsTheRunningCopy()
    {
        await _hypervisor.StartAsync(Web, Guests.Spec(vcpus: 2, memoryMib: 1000), 3, None);
        _time.Advance(TimeSpan.FromMinutes(1));

        // A retried command, even with another spec, does not restart the guest.
        await _hypervisor.StartAsync(Web, Guests.Spec(vcpus: 2, memoryMib: 5000), 3, None);

        var guest = Assert.Single(await _hypervisor.ListAsync(None));
        Assert.Equal(600, guest.MemoryUsedMib);
    }

    [Fact]
    public async Task StartAsync_NewerEpoch_ReplacesTheCopy()
    {
        await _hypervisor.StartAsync(Web, Guests.Spec(memoryMib: 1000), 3, None);

        await _hypervisor.StartAsync(Web, Guests.Spec(memoryMib: 2000), 4, None);

        var guest = Assert.Single(await _hypervisor.ListAsync(None));
        Assert.Equal((4L, 1200L), (guest.Epoch, guest.MemoryUsedMib));
    }

    [Fact]
    public async Task CheckHealthAsync_BrokenToggled_FollowsIt()
    {
        Assert.True(await _hypervisor.CheckHealthAsync(None));

        _hypervisor.Broken = true;
        Assert.False(await _hypervisor.CheckHealthAsync(None));

        _hypervisor.Broken = false;
        Assert.True(await _hypervisor.CheckHealthAsync(None));
    }

    [Fact]
    public async Task StartAsync_CancelledBeforeStart_GuestNotStarted()
    {
        var slow = new SimulatedHypervisor(Guests.Host, new SimulatedHypervisorOptions { StartLatency = TimeSpan.FromHours(1) }, _time);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.StartAsync(Web, Guests.Spec(), 1, cancelled.Token));

        Assert.Empty(await slow.ListAsync(None));
        slow.Dispose();
    }
}
