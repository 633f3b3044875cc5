using Orleans.Placement;

namespace HostGrid.Grains.Placement;

/// <summary>Marks a grain class for <see cref="HostAffinityPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class HostAffinityPlacementAttribute : PlacementAttribute
{
    public HostAffinityPlacementAttribute() : base(HostAffinityPlacement.Instance) { }
}
