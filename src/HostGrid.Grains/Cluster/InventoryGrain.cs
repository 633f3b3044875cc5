using HostGrid.Contracts.Cluster;
using Orleans.Concurrency;

namespace HostGrid.Grains.Cluster;

/// <summary>
/// The cluster's index of hosts and guests, persisted so lists survive restarts. Every guest's state change passes
/// through here, so concurrent changes share one storage write (group commit): the grain is reentrant, each change
/// is applied in memory at once, and its caller returns when a write that includes it has finished.
/// </summary>
[Reentrant]
public sealed class InventoryGrain : Grain, IInventoryGrain
{
    private readonly IPersistentState<InventoryState> _state;
    private Task? _writing;
    private Task? _nextWrite;

    public InventoryGrain([PersistentState("inventory", HostGridStorage.ProviderName)] IPersistentState<InventoryState> state) =>
        _state = state;

    public async Task AddHostAsync(HostId hostId)
    {
        if (_state.State.Hosts.Add(hostId.Value))
        {
            await CommitAsync();
        }
    }

    public Task<IReadOnlyList<HostId>> ListHostsAsync() =>
        Task.FromResult<IReadOnlyList<HostId>>(_state.State.Hosts.Select(h => new HostId(h)).ToList());

    public async Task UpsertVmAsync(VmSummary summary)
    {
        if (_state.State.Vms.TryGetValue(summary.VmId.Value, out var known) && SameAs(known, summary))
        {
            return;
        }

        _state.State.Vms[summary.VmId.Value] = summary;
        await CommitAsync();
    }

    public async Task RemoveVmAsync(VmId vmId)
    {
        if (_state.State.Vms.Remove(vmId.Value))
        {
            await CommitAsync();
        }
    }

    public Task<IReadOnlyList<VmSummary>> ListVmsAsync() =>
        Task.FromResult<IReadOnlyList<VmSummary>>(_state.State.Vms.Values.ToList());

    /// <summary>Joins the next write if one is waiting, starts one if none runs, or queues one behind the running write.</summary>
    private Task CommitAsync()
    {
        if (_nextWrite is not null)
        {
            return _nextWrite;
        }

        if (_writing is null)
        {
            return _writing = WriteAsync();
        }

        return _nextWrite = WriteAfterAsync(_writing);
    }

    private async Task WriteAfterAsync(Task running)
    {
        try
        {
            await running;
        }
        catch (Exception)
        {
            // that write's callers saw its failure; this batch writes anew
        }

        _nextWrite = null;
        await (_writing = WriteAsync());
    }

    private async Task WriteAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        finally
        {
            _writing = null;
        }
    }

    private static bool SameAs(VmSummary a, VmSummary b) =>
        a.Host == b.Host && a.State == b.State && a.Labels.Count == b.Labels.Count && !a.Labels.Except(b.Labels).Any();
}
