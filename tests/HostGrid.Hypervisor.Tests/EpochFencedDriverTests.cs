using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Tests;

public sealed class EpochFencedDriverTests : IDisposable
{
    private static readonly VmId Web = new("web-1");
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly SimulatedHypervisor _hypervisor = Guests.Hypervisor();
    private readonly EpochFencedDriver _driver;

    public EpochFencedDriverTests() => _driver = new EpochFencedDriver(_hypervisor);

    public void Dispose() => _driver.Dispose();

    [Fact]
    public async Task StartAsync_FirstCommandForGuest_AdmittedAndRecorded()
    {
        await _driver.StartAsync(Web, Guests.Spec(), 3, None);

        var guest = Assert.Single(await _driver.ListAsync(None));
        Assert.Equal((Web, 3L, true), (guest.VmId, guest.Epoch, guest.Running));
        Assert.Equal(3, _driver.NewestEpoch(Web));
        Assert.Equal(Guests.Host, _driver.HostId);
    }

    [Fact]
    public async Task StartAsync_OlderEpoch_StaleEpochWithCurrentAndGuestUntouched()
    {
        await _driver.StartAsync(Web, Guests.Spec(), 5, None);

        var error = await Assert.ThrowsAsync<StaleEpochException>(() => _driver.StartAsync(Web, Guests.Spec(vcpus: 8), 4, None));

        Assert.Equal((Web, 4L, 5L), (error.VmId, error.Epoch, error.Current));
        Assert.Equal("vm web-1: command epoch 4 is older than current epoch 5", error.Message);
        Assert.Equal(5, Assert.Single(await _driver.ListAsync(None)).Epoch);
        Assert.Equal(5, _driver.NewestEpoch(Web));
    }

    [Fact]
    public async Task StopAsync_OlderEpoch_StaleEpochAndGuestKeepsRunning()
    {
        await _driver.StartAsync(Web, Guests.Spec(), 5, None);

        var error = await Assert.ThrowsAsync<StaleEpochException>(() => _driver.StopAsync(Web, 2, None));

        Assert.Equal(5, error.Current);
        Assert.Equal(Web, Assert.Single(await _driver.ListAsync(None)).VmId);
    }

    [Fact]
    public async Task StopAsync_EqualEpoch_StopsGuest()
    {
        await _driver.StartAsync(Web, Guests.Spec(), 5, None);

        await _driver.StopAsync(Web, 5, None);

        Assert.Empty(await _driver.ListAsync(None));
        Assert.Equal(5, _driver.NewestEpoch(Web));
    }

    [Fact]
    public async Task StopAsync_NewerEpoch_StopsGuestAndRaisesEpoch()
    {
        await _driver.StartAsync(Web, Guests.Spec(), 5, None);

        await _driver.StopAsync(Web, 6, None);

        Assert.Empty(await _driver.ListAsync(None));
        Assert.Equal(6, _driver.NewestEpoch(Web));
        await Assert.ThrowsAsync<StaleEpochException>(() => _driver.StartAsync(Web, Guests.Spec(), 5, None));
    }

    [Fact]
    public async Task StartAsync_EqualEpoch_AdmittedAndStillOneCopy()
    {
        await _driver.StartAsync(Web, Guests.Spec(), 5, None);

        await _driver.StartAsync(Web, Guests.Spec(), 5, None);

        Assert.Equal(5, Assert.Single(await _driver.ListAsync(None)).Epoch);
    }

    [Fact]
    public async Task StartAsync_NewerEpoch_ReplacesRunningCopy()
    {
        await _driver.StartAsync(Web, Guests.Spec(vcpus: 2), 5, None);

        await _driver.StartAsync(Web, Guests.Spec(vcpus: 2), 7, None);

        var guest = Assert.Single(await _driver.ListAsync(None));
        Assert.Equal(7, guest.Epoch);
        Assert.Equal(7, _driver.NewestEpoch(Web));
    }

    [Fact]
    public async Task StartAsync_EpochsArePerGuest_OtherGuestsOlderEpochAdmitted()
    {
        var db = new VmId("db-1");
        await _driver.StartAsync(Web, Guests.Spec(), 9, None);

        await _driver.StartAsync(db, Guests.Spec(), 1, None);

        Assert.Equal(["db-1", "web-1"], (await _driver.ListAsync(None)).Select(g => g.VmId.Value));
        Assert.Equal(1, _driver.NewestEpoch(db));
    }

    [Fact]
    public void NewestEpoch_UnknownGuest_Null()
    {
        Assert.Null(_driver.NewestEpoch(Web));
    }

    [Fact]
    public async Task ListAsync_GuestStartedBehindTheFence_LearnsItsEpochAndRefusesOlderCommands()
    {
        // The guest was started before this agent process (or its fence) existed: the hypervisor is the only record.
        await _hypervisor.StartAsync(Web, Guests.Spec(), 4, None);
        Assert.Null(_driver.NewestEpoch(Web));

        await _driver.ListAsync(None);

        Assert.Equal(4, _driver.NewestEpoch(Web));
        var error = await Assert.ThrowsAsync<StaleEpochException>(() => _driver.StopAsync(Web, 3, None));
        Assert.Equal(4, error.Current);
        Assert.Single(await _hypervisor.ListAsync(None));
    }

    [Fact]
    public async Task ListAsync_ReportsOlderEpochThanSeen_KeepsTheNewer()
    {
        await _driver.StopAsync(Web, 8, None);
        await _hypervisor.StartAsync(Web, Guests.Spec(), 6, None);

        await _driver.ListAsync(None);

        Assert.Equal(8, _driver.NewestEpoch(Web));
    }

    [Fact]
    public async Task CheckHealthAsync_HypervisorBroken_False()
    {
        Assert.True(await _driver.CheckHealthAsync(None));

        _hypervisor.Broken = true;

        Assert.False(await _driver.CheckHealthAsync(None));
    }
}
