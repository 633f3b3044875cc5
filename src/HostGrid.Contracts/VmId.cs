namespace HostGrid.Contracts;

/// <summary>Identity of a guest (DNS-label style). Also the key of its <see cref="Vms.IVmGrain"/>.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.VmId")]
public readonly record struct VmId([property: Id(0)] string Value)
{
    public override string ToString() => Value;
}
