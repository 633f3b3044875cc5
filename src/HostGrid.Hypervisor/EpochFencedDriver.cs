using System.Collections.Concurrent;
using HostGrid.Contracts.Errors;

namespace HostGrid.Hypervisor;

/// <summary>
/// Wraps a driver and refuses any command whose epoch is older than the newest this host has seen for that guest, so a command
/// from before a failover or migration cannot touch the guest's current copy.
/// </summary>
public sealed class EpochFencedDriver : IDisposable
{
    private readonly IHypervisorDriver _inner;
    private readonly ConcurrentDictionary<VmId, long> _newestEpoch = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _learned;

    public EpochFencedDriver(IHypervisorDriver inner) => _inner = inner;

    public HostId HostId => _inner.HostId;

    /// <summary>The newest epoch seen for a guest, or null.</summary>
    public long? NewestEpoch(VmId vmId) => _newestEpoch.TryGetValue(vmId, out var e) ? e : null;

    public async Task StartAsync(VmId vmId, GuestSpec spec, long epoch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await LearnAsync(cancellationToken);
            Admit(vmId, epoch);
            await _inner.StartAsync(vmId, spec, epoch, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the guest if the command is current.</summary>
    public async Task StopAsync(VmId vmId, long epoch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await LearnAsync(cancellationToken);
            Admit(vmId, epoch);
            await _inner.StopAsync(vmId, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<GuestStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var guests = await _inner.ListAsync(cancellationToken);
        foreach (var g in guests)
        {
            _newestEpoch.AddOrUpdate(g.VmId, g.Epoch, (_, seen) => Math.Max(seen, g.Epoch));
        }

        return guests;
    }

    public Task<bool> CheckHealthAsync(CancellationToken cancellationToken) => _inner.CheckHealthAsync(cancellationToken);

    public void Dispose()
    {
        _gate.Dispose();
        (_inner as IDisposable)?.Dispose();
    }

    /// <summary>Before the first command, learn the epochs of guests the hypervisor already runs (they may outlive the agent).</summary>
    private async Task LearnAsync(CancellationToken cancellationToken)
    {
        if (!_learned)
        {
            await ListAsync(cancellationToken);
            _learned = true;
        }
    }

    private void Admit(VmId vmId, long epoch)
    {
        var seen = _newestEpoch.GetOrAdd(vmId, epoch);
        if (epoch < seen)
        {
            throw new StaleEpochException(vmId, epoch, seen);
        }

        _newestEpoch[vmId] = epoch;
    }
}
