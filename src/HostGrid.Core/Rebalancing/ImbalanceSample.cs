namespace HostGrid.Core.Rebalancing;

/// <summary>The cluster's imbalance (<see cref="ImbalanceMetric.Imbalance(RebalanceSnapshot, RebalancerOptions)"/>) measured at one time.</summary>
public sealed record ImbalanceSample(DateTimeOffset At, double Imbalance);
