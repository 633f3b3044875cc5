namespace HostGrid.Core.Placement;

/// <summary>Scores a host that passed every filter; the highest score wins.</summary>
public interface IPlacementWeigher
{
    double Weigh(PlacementRequest request, HostSnapshot host);
}
