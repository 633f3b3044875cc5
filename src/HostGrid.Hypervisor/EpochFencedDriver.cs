using System.Collections.Concurrent;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;

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

    public Task StartAsync(VmId vmId, GuestSpec spec, long epoch, CancellationToken cancellationToken) =>
        AdmittedAsync(vmId, epoch, () => _inner.StartAsync(vmId, spec, epoch, cancellationToken), cancellationToken);

    /// <summary>Stops the guest if the command is current.</summary>
    public Task StopAsync(VmId vmId, long epoch, CancellationToken cancellationToken) =>
        AdmittedAsync(vmId, epoch, () => _inner.StopAsync(vmId, cancellationToken), cancellationToken);

    /// <summary>Stops the guest and deletes its disks if the command is current.</summary>
    public Task DeleteAsync(VmId vmId, GuestSpec spec, long epoch, CancellationToken cancellationToken) =>
        AdmittedAsync(vmId, epoch, () => _inner.DeleteAsync(vmId, spec, cancellationToken), cancellationToken);

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

    /// <summary>Whether the guests keep running when the agent dies: then a new agent adopts them, and the lease fences them.</summary>
    public bool GuestsOutliveAgent => _inner is IGuestLease;

    /// <summary>Extends the guests' lease after an acknowledged heartbeat; nothing for a driver whose guests die with the agent.</summary>
    public void RenewLease(DateTimeOffset validUntil) => (_inner as IGuestLease)?.Renew(validUntil);

    /// <summary>Destination: prepares to receive the guest at the ticket's target epoch, which this host has now seen.</summary>
    public Task<MigrationEndpoint> PrepareIncomingAsync(MigrationTicket ticket, GuestSpec spec, CancellationToken cancellationToken) =>
        AdmittedAsync(ticket.VmId, ticket.TargetEpoch, () => _inner.PrepareIncomingAsync(ticket, spec, cancellationToken), cancellationToken);

    /// <summary>
    /// Source: migrates the guest out if the source epoch is current. The gate is held only to admit the command, so other
    /// commands, and other migrations from this host, run while the pages are copied.
    /// </summary>
    public async Task<MigrationResult> MigrateOutAsync(MigrationTicket ticket, MigrationEndpoint destination, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken)
    {
        await AdmitAsync(ticket.VmId, ticket.SourceEpoch, cancellationToken);
        return await _inner.MigrateOutAsync(ticket, destination, progress, cancellationToken);
    }

    /// <summary>Source: switches a committed move to post-copy if the source epoch is current (outside the gate, like the copy).</summary>
    public async Task<MigrationResult> StartPostCopyAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        await AdmitAsync(ticket.VmId, ticket.SourceEpoch, cancellationToken);
        return await _inner.StartPostCopyAsync(ticket, cancellationToken);
    }

    /// <summary>Destination: confirms the incoming copy is complete, if the target epoch is current.</summary>
    public async Task ConfirmIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        await AdmitAsync(ticket.VmId, ticket.TargetEpoch, cancellationToken);
        await _inner.ConfirmIncomingAsync(ticket, cancellationToken);
    }

    /// <summary>Destination: runs the verified copy at the target epoch, unless a newer epoch was seen.</summary>
    public Task ActivateIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken) =>
        AdmittedAsync(ticket.VmId, ticket.TargetEpoch, () => _inner.ActivateIncomingAsync(ticket, cancellationToken), cancellationToken);

    /// <summary>Destination: drops the incoming copy; a no-op once a newer epoch than the target was seen (the guest moved on).</summary>
    public async Task AbortIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await LearnAsync(cancellationToken);
            if (NewestEpoch(ticket.VmId) is { } seen && seen > ticket.TargetEpoch)
            {
                return;
            }

            await _inner.AbortIncomingAsync(ticket, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Source: runs the paused guest again at the source epoch. Refused (<see cref="StaleEpochException"/>) once a newer epoch was
    /// seen: a guest whose move committed must never run again here.
    /// </summary>
    public Task ResumeAsync(MigrationTicket ticket, CancellationToken cancellationToken) =>
        AdmittedAsync(ticket.VmId, ticket.SourceEpoch, () => _inner.ResumeAsync(ticket, cancellationToken), cancellationToken);

    public void Dispose()
    {
        _gate.Dispose();
        (_inner as IDisposable)?.Dispose();
    }

    /// <summary>Admits a command whose work runs outside the gate (a migration's copy runs for seconds).</summary>
    private Task AdmitAsync(VmId vmId, long epoch, CancellationToken cancellationToken) =>
        AdmittedAsync(vmId, epoch, () => Task.CompletedTask, cancellationToken);

    /// <summary>Runs a command under the gate once its epoch is admitted: one host's commands reach the hypervisor in order.</summary>
    private async Task<T> AdmittedAsync<T>(VmId vmId, long epoch, Func<Task<T>> command, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await LearnAsync(cancellationToken);
            Admit(vmId, epoch);
            return await command();
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task AdmittedAsync(VmId vmId, long epoch, Func<Task> command, CancellationToken cancellationToken) =>
        AdmittedAsync(vmId, epoch, async () =>
        {
            await command();
            return true;
        }, cancellationToken);

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
