namespace HostGrid.Core.Rebalancing;

/// <summary>A move the search found: guest and destination by index, and the drop of the total squared deviation it brings.</summary>
internal readonly record struct CandidateMove(int Guest, int To, double Gain);
