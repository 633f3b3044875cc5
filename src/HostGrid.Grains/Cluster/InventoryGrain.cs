using HostGrid.Contracts.Cluster;

namespace HostGrid.Grains.Cluster;

/// <summary>The cluster's index of hosts and guests, persisted so lists survive restarts.</summary>
public sealed class InventoryGrain : Grain, IInventoryGrain
{
    private readonly IPersistentState<InventoryState> _state;

    public InventoryGrain([PersistentState("inventory", HostGridStorage.ProviderName)] IPersistentState<InventoryState> state) =>
        _state = state;

    public async Task AddHostAsync(HostId hostId)
    {
        if (_state.State.Hosts.Add(hostId.Value))
        {
            await _state.WriteStateAsync();
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
        await _state.WriteStateAsync();
    }

    public async Task RemoveVmAsync(VmId vmId)
    {
        if (_state.State.Vms.Remove(vmId.Value))
        {
            await _state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<VmSummary>> ListVmsAsync() =>
        Task.FromResult<IReadOnlyList<VmSummary>>(_state.State.Vms.Values.ToList());

    private static bool SameAs(VmSummary a, VmSummary b) =>
        a.Host == b.Host && a.State == b.State && a.Labels.Count == b.Labels.Count && !a.Labels.Except(b.Labels).Any();
}
