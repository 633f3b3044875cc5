namespace HostGrid.Core.Placement;

/// <summary>Decides whether a host may take a guest at all.</summary>
public interface IPlacementFilter
{
    string Name { get; }

    /// <summary>Null when the host passes; otherwise why it does not.</summary>
    string? Reject(PlacementRequest request, HostSnapshot host);
}
