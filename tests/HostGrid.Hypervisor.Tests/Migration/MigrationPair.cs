using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Tests.Migration;

/// <summary>Two simulated hypervisors on loopback with ledgers in a temp folder, and one guest started on the source.</summary>
internal sealed class MigrationPair : IDisposable
{
    public static readonly VmId Vm = new("web-1");
    public static readonly HostId SourceHost = new("hv-src");
    public static readonly HostId DestinationHost = new("hv-dst");

    private readonly string _ledgers = Directory.CreateTempSubdirectory("hostgrid-migration-").FullName;

    public MigrationPair(
        double dirtyMibPerSecond = 0, MigrationOptions? migration = null, double bandwidthLimitMib = 0, double hotSetFraction = 0.1,
        TimeSpan switchOverDelay = default)
    {
        var options = new SimulatedHypervisorOptions
        {
            StartLatency = TimeSpan.Zero,
            LedgerDirectory = _ledgers,
            DirtyRateMibPerSecond = dirtyMibPerSecond,
            HotSetFraction = hotSetFraction,
            DirtySeed = 42,
            MigrationBandwidthLimitMibPerSecond = bandwidthLimitMib,
            MigrationSwitchOverDelay = switchOverDelay,
        };
        Source = new SimulatedHypervisor(SourceHost, options, TimeProvider.System, migration);
        Destination = new SimulatedHypervisor(DestinationHost, options, TimeProvider.System, migration);
    }

    public SimulatedHypervisor Source { get; }

    public SimulatedHypervisor Destination { get; }

    public static MigrationTicket Ticket(string operation = "op-1") => new(operation, Vm, 5, 6);

    public static GuestSpec Spec(long memoryMib) => new(new ResourceAmounts(2, memoryMib, 10), new Dictionary<string, string>());

    public async Task<MigrationEndpoint> StartAndPrepareAsync(long memoryMib, MigrationTicket? ticket = null)
    {
        ticket ??= Ticket();
        await Source.StartAsync(Vm, Spec(memoryMib), ticket.SourceEpoch, CancellationToken.None);
        return await Destination.PrepareIncomingAsync(ticket, Spec(memoryMib), CancellationToken.None);
    }

    /// <summary>The ledger lines of a host without their timestamps: "start hv-src web-1 5".</summary>
    public IReadOnlyList<string> Ledger(HostId host)
    {
        var path = Path.Combine(_ledgers, $"{host}.ledger");
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]).ToList();
    }

    public async Task<GuestStatus?> SourceGuestAsync() =>
        (await Source.ListAsync(CancellationToken.None)).SingleOrDefault(g => g.VmId == Vm);

    public void Dispose()
    {
        Source.Dispose();
        Destination.Dispose();
        try
        {
            Directory.Delete(_ledgers, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
