using HostGrid.Contracts.Hosts;

namespace HostGrid.Core.Placement;

/// <summary>Only hosts that are Up take new guests.</summary>
public sealed class HostStatusFilter : IPlacementFilter
{
    public string Name => "host-status";

    public string? Reject(PlacementRequest request, HostSnapshot host) =>
        host.Status == HostStatus.Up ? null : $"host is {host.Status}";
}
