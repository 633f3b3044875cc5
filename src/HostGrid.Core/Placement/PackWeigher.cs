namespace HostGrid.Core.Placement;

/// <summary>Prefers the fullest host that still fits, keeping other hosts empty.</summary>
public sealed class PackWeigher : IPlacementWeigher
{
    public double Weigh(PlacementRequest request, HostSnapshot host) => -SpreadWeigher.FreeShareAfter(request, host);
}
