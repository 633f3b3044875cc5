using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Tests.Simulated;

public sealed class GuestLedgerTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly long T0 = ManualTime.Start.ToUnixTimeMilliseconds();

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hostgrid-ledger-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTime _time = new();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Hypervisor_StartsAndStops_LedgerLinesInOrderWithTimeHostVmEpoch()
    {
        using (var hypervisor = Guests.Hypervisor(_time, _directory))
        {
            await hypervisor.StartAsync(new VmId("web-1"), Guests.Spec(), 1, None);
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await hypervisor.StartAsync(new VmId("db-1"), Guests.Spec(), 7, None);
            _time.Advance(TimeSpan.FromSeconds(1));
            await hypervisor.StopAsync(new VmId("web-1"), None);
        }

        Assert.Equal(
            [
                $"{T0} start hv-1 web-1 1",
                $"{T0 + 250} start hv-1 db-1 7",
                $"{T0 + 1250} stop hv-1 web-1 1",
            ],
            ReadLedger());
    }

    [Fact]
    public async Task Hypervisor_StartAtNewerEpoch_LedgerShowsOldCopyStoppedBeforeNewStarted()
    {
        using (var hypervisor = Guests.Hypervisor(_time, _directory))
        {
            await hypervisor.StartAsync(new VmId("web-1"), Guests.Spec(), 1, None);
            await hypervisor.StartAsync(new VmId("web-1"), Guests.Spec(), 1, None);
            await hypervisor.StartAsync(new VmId("web-1"), Guests.Spec(), 2, None);
            await hypervisor.StopAsync(new VmId("ghost"), None);
        }

        Assert.Equal(
            [
                $"{T0} start hv-1 web-1 1",
                $"{T0} stop hv-1 web-1 1",
                $"{T0} start hv-1 web-1 2",
            ],
            ReadLedger());
    }

    [Fact]
    public async Task Hypervisor_Running_EachLineReadableAtOnce()
    {
        // Flushed per line: a reader sees the start while the agent still runs (or after it is killed).
        using var hypervisor = Guests.Hypervisor(_time, _directory);

        await hypervisor.StartAsync(new VmId("web-1"), Guests.Spec(), 3, None);

        Assert.Equal([$"{T0} start hv-1 web-1 3"], ReadLedger());
    }

    [Fact]
    public async Task Hypervisor_Restarted_AppendsToTheSameLedger()
    {
        using (var first = Guests.Hypervisor(_time, _directory))
        {
            await first.StartAsync(new VmId("web-1"), Guests.Spec(), 1, None);
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        using (var second = Guests.Hypervisor(_time, _directory))
        {
            await second.StartAsync(new VmId("web-1"), Guests.Spec(), 2, None);
        }

        Assert.Equal([$"{T0} start hv-1 web-1 1", $"{T0 + 5000} start hv-1 web-1 2"], ReadLedger());
    }

    [Fact]
    public void Record_NoDirectory_WritesNothing()
    {
        using var ledger = new GuestLedger(null, Guests.Host);

        ledger.Record("start", Guests.Host, new VmId("web-1"), 1, ManualTime.Start);

        Assert.False(Directory.Exists(_directory));
    }

    [Fact]
    public void Record_DirectlyCalled_OneLinePerCallInFileNamedAfterHost()
    {
        using (var ledger = new GuestLedger(_directory, new HostId("hv-7")))
        {
            ledger.Record("start", new HostId("hv-7"), new VmId("a"), 10, ManualTime.Start);
            ledger.Record("stop", new HostId("hv-7"), new VmId("a"), 10, ManualTime.Start.AddMilliseconds(1));
        }

        Assert.Equal(["hv-7.ledger"], Directory.GetFiles(_directory).Select(Path.GetFileName));
        Assert.Equal([$"{T0} start hv-7 a 10", $"{T0 + 1} stop hv-7 a 10"], ReadLedger("hv-7"));
    }

    private string[] ReadLedger(string host = "hv-1")
    {
        using var stream = new FileStream(Path.Combine(_directory, $"{host}.ledger"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
