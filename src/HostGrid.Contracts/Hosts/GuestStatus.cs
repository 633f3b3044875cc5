namespace HostGrid.Contracts.Hosts;

/// <summary>A guest as its hypervisor reports it.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.GuestStatus")]
public sealed record GuestStatus(
    [property: Id(0)] VmId VmId,
    [property: Id(1)] long Epoch,
    [property: Id(2)] bool Running,
    [property: Id(3)] double CpuDemand,
    [property: Id(4)] long MemoryUsedMib);
