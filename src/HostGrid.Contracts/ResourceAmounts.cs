namespace HostGrid.Contracts;

/// <summary>Amounts of the three resources a guest reserves on a host.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.ResourceAmounts")]
public readonly record struct ResourceAmounts(
    [property: Id(0)] int Vcpus,
    [property: Id(1)] long MemoryMib,
    [property: Id(2)] long DiskGib)
{
    public static ResourceAmounts Zero => default;

    public static ResourceAmounts operator +(ResourceAmounts a, ResourceAmounts b) =>
        new(a.Vcpus + b.Vcpus, a.MemoryMib + b.MemoryMib, a.DiskGib + b.DiskGib);

    public static ResourceAmounts operator -(ResourceAmounts a, ResourceAmounts b) =>
        new(a.Vcpus - b.Vcpus, a.MemoryMib - b.MemoryMib, a.DiskGib - b.DiskGib);

    /// <summary>True when every amount is at most the other's.</summary>
    public bool FitsWithin(ResourceAmounts limit) =>
        Vcpus <= limit.Vcpus && MemoryMib <= limit.MemoryMib && DiskGib <= limit.DiskGib;
}
