using System.Collections.Concurrent;

namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// A hypervisor in memory: guests are records with a synthetic load. Guests end with the process, like real
/// guests on a server that lost power. Every start and stop goes to the <see cref="GuestLedger"/>.
/// </summary>
public sealed class SimulatedHypervisor : IHypervisorDriver, IDisposable
{
    private readonly ConcurrentDictionary<VmId, SimulatedGuest> _guests = new();
    private readonly SimulatedHypervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly GuestLedger _ledger;

    public SimulatedHypervisor(HostId hostId, SimulatedHypervisorOptions options, TimeProvider time)
    {
        HostId = hostId;
        _options = options;
        _time = time;
        _ledger = new GuestLedger(options.LedgerDirectory, hostId);
    }

    public HostId HostId { get; }

    /// <summary>When set, health checks fail: the hypervisor is broken while the agent lives (for tests).</summary>
    public bool Broken { get; set; }

    public async Task StartAsync(VmId vmId, GuestSpec spec, long epoch, CancellationToken cancellationToken)
    {
        if (_guests.TryGetValue(vmId, out var existing))
        {
            if (existing.Epoch == epoch)
            {
                return; // already running at this epoch: a retried command
            }

            await StopAsync(vmId, cancellationToken);
        }

        await Task.Delay(_options.StartLatency, _time, cancellationToken);
        _guests[vmId] = new SimulatedGuest(vmId, spec, epoch, _time.GetUtcNow());
        _ledger.Record("start", HostId, vmId, epoch, _time.GetUtcNow());
    }

    public async Task StopAsync(VmId vmId, CancellationToken cancellationToken)
    {
        if (!_guests.TryGetValue(vmId, out var guest))
        {
            return;
        }

        await Task.Delay(_options.StartLatency, _time, cancellationToken);
        if (_guests.TryRemove(vmId, out _))
        {
            _ledger.Record("stop", HostId, vmId, guest.Epoch, _time.GetUtcNow());
        }
    }

    public Task<IReadOnlyList<GuestStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<GuestStatus> list = _guests.Values
            .OrderBy(g => g.VmId.Value, StringComparer.Ordinal)
            .Select(g => new GuestStatus(g.VmId, g.Epoch, Running: true, g.CpuDemand(now), g.MemoryUsedMib))
            .ToList();
        return Task.FromResult(list);
    }

    public Task<bool> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(!Broken);

    public void Dispose() => _ledger.Dispose();
}
