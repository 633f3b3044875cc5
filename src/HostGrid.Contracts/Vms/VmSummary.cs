namespace HostGrid.Contracts.Vms;

/// <summary>The few fields of a guest that lists filter on; kept by the inventory.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.VmSummary")]
public sealed record VmSummary(
    [property: Id(0)] VmId VmId,
    [property: Id(1)] HostId? Host,
    [property: Id(2)] VmState State,
    [property: Id(3)] IReadOnlyDictionary<string, string> Labels);
