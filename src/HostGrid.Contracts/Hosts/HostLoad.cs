namespace HostGrid.Contracts.Hosts;

/// <summary>Measured load of a host. Fractions are 0..1 of its capacity.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.HostLoad")]
public sealed record HostLoad(
    [property: Id(0)] double CpuFraction,
    [property: Id(1)] double MemoryFraction,
    [property: Id(2)] int RunningVms)
{
    public static HostLoad Idle { get; } = new(0, 0, 0);
}
