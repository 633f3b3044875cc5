namespace HostGrid.Core.Placement;

/// <summary>No two guests of one anti-affinity group on the same host.</summary>
public sealed class AntiAffinityFilter : IPlacementFilter
{
    public string Name => "anti-affinity";

    public string? Reject(PlacementRequest request, HostSnapshot host)
    {
        var group = request.Spec.AntiAffinityGroup;
        if (string.IsNullOrEmpty(group))
        {
            return null;
        }

        var clash = host.Reservations.FirstOrDefault(r => r.AntiAffinityGroup == group && r.VmId != request.VmId);
        return clash is null ? null : $"anti-affinity group '{group}' already has {clash.VmId} here";
    }
}
