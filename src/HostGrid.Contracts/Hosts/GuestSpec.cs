namespace HostGrid.Contracts.Hosts;

/// <summary>
/// What a hypervisor needs to run a guest. <c>Incarnation</c> says which creation of this guest id it is (its creation time
/// in Unix ms): disks are named by it, so a guest deleted and created again under the same id never finds its
/// predecessor's disks. 0 outside a VM record (tests, benchmarks).
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.GuestSpec")]
public sealed record GuestSpec(
    [property: Id(0)] ResourceAmounts Resources,
    [property: Id(1)] IReadOnlyDictionary<string, string> Labels,
    [property: Id(2)] long Incarnation = 0);
