namespace HostGrid.Contracts.Hosts;

/// <summary>What an agent tells the cluster about a host it serves when it starts.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.HostRegistration")]
public sealed record HostRegistration(
    [property: Id(0)] HostId HostId,
    [property: Id(1)] ResourceAmounts Capacity,
    [property: Id(2)] IReadOnlyDictionary<string, string> Labels);
