using HostGrid.Contracts.Events;

namespace HostGrid.Grains.Events;

/// <summary>The event log of silos without a database (in-process tests): events are dropped.</summary>
public sealed class DiscardingEventLog : IEventLog
{
    public Task AppendAsync(ClusterEvent clusterEvent) => Task.CompletedTask;
}
