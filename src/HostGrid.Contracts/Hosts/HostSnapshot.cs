namespace HostGrid.Contracts.Hosts;

/// <summary>A read of a host's record as of <see cref="AsOf"/>.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.HostSnapshot")]
public sealed record HostSnapshot(
    [property: Id(0)] HostId HostId,
    [property: Id(1)] HostStatus Status,
    [property: Id(2)] ResourceAmounts Capacity,
    [property: Id(3)] ResourceAmounts Allocated,
    [property: Id(4)] HostLoad Load,
    [property: Id(5)] IReadOnlyDictionary<string, string> Labels,
    [property: Id(6)] DateTimeOffset? LastHeartbeat,
    [property: Id(7)] IReadOnlyList<Reservation> Reservations,
    [property: Id(8)] DateTimeOffset AsOf,
    [property: Id(9)] bool Maintenance = false)
{
    public ResourceAmounts Free => Capacity - Allocated;
}
