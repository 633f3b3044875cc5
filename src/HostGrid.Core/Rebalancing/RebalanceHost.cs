namespace HostGrid.Core.Rebalancing;

/// <summary>A host as the rebalance planner sees it.</summary>
/// <param name="Id">The host.</param>
/// <param name="Capacity">What it can hold.</param>
/// <param name="CanTake">Whether guests may move to it: Up and not in maintenance.</param>
/// <param name="CanGive">Whether guests may move off it: Up or in maintenance.</param>
/// <param name="Allocated">
/// What the host's record holds reserved (<see cref="HostSnapshot.Allocated"/>, which counts incoming migrations too);
/// null counts the reservations of the snapshot's guests on it.
/// </param>
public sealed record RebalanceHost(
    HostId Id,
    ResourceAmounts Capacity,
    bool CanTake,
    bool CanGive,
    ResourceAmounts? Allocated = null)
{
    /// <summary>The planner's view of a host's record: takes guests when Up, gives them when Up or in maintenance.</summary>
    public static RebalanceHost From(HostSnapshot host)
    {
        var up = host.Status == HostStatus.Up;
        var maintenance = host.Maintenance || host.Status == HostStatus.Maintenance;
        return new RebalanceHost(host.HostId, host.Capacity, up && !maintenance, up || maintenance, host.Allocated);
    }
}
