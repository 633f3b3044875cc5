using HostGrid.Contracts.Events;

namespace HostGrid.Grains.Events;

/// <summary>
/// The durable event log. Appending is best effort: an operation that already happened is not undone because its
/// record could not be written (the implementation logs that instead).
/// </summary>
public interface IEventLog
{
    Task AppendAsync(ClusterEvent clusterEvent);
}
