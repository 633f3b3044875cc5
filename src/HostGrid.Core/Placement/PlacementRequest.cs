using HostGrid.Contracts.Vms;

namespace HostGrid.Core.Placement;

/// <summary>A guest to place and the hosts it may go to.</summary>
public sealed record PlacementRequest(VmId VmId, VmSpec Spec, IReadOnlyList<HostSnapshot> Hosts);
