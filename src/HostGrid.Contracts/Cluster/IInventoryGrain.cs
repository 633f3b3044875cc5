using HostGrid.Contracts.Vms;

namespace HostGrid.Contracts.Cluster;

/// <summary>
/// The cluster's persisted index of hosts and guests, so that lists need not scan storage.
/// Written only by the records it indexes (<see cref="Hosts.IHostGrain"/> and <see cref="IVmGrain"/>). Single key: <see cref="Key"/>.
/// </summary>
[Alias("hostgrid.IInventoryGrain")]
public interface IInventoryGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    [Alias("AddHost")]
    Task AddHostAsync(HostId hostId);

    [Alias("ListHosts")]
    Task<IReadOnlyList<HostId>> ListHostsAsync();

    /// <summary>Adds or refreshes a guest's entry.</summary>
    [Alias("UpsertVm")]
    Task UpsertVmAsync(VmSummary summary);

    [Alias("RemoveVm")]
    Task RemoveVmAsync(VmId vmId);

    /// <summary>Guests in id order.</summary>
    [Alias("ListVms")]
    Task<IReadOnlyList<VmSummary>> ListVmsAsync();
}
