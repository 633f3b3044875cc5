namespace HostGrid.Core.Placement;

/// <summary>When the request names a host, only that host.</summary>
public sealed class TargetHostFilter : IPlacementFilter
{
    public string Name => "target-host";

    public string? Reject(PlacementRequest request, HostSnapshot host) =>
        request.Spec.TargetHost is { } target && target != host.HostId ? $"not the requested host {target}" : null;
}
