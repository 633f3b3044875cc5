namespace HostGrid.Contracts.Hosts;

/// <summary>What a hypervisor needs to run a guest.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.GuestSpec")]
public sealed record GuestSpec(
    [property: Id(0)] ResourceAmounts Resources,
    [property: Id(1)] IReadOnlyDictionary<string, string> Labels);
