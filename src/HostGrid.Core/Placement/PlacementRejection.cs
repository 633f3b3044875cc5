namespace HostGrid.Core.Placement;

/// <summary>A host a filter refused, and the filter's reason.</summary>
public sealed record PlacementRejection(HostId HostId, string Filter, string Reason);
