namespace HostGrid.Contracts.Hosts;

/// <summary>Capacity held on a host for one guest.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.Reservation")]
public sealed record Reservation(
    [property: Id(0)] VmId VmId,
    [property: Id(1)] ResourceAmounts Resources,
    [property: Id(2)] string? AntiAffinityGroup);
