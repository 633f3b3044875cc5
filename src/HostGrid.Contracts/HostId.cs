namespace HostGrid.Contracts;

/// <summary>Identity of a physical server, e.g. <c>hv-rack1-07</c>. Also the key of its <see cref="Hosts.IHostGrain"/>.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.HostId")]
public readonly record struct HostId([property: Id(0)] string Value)
{
    public override string ToString() => Value;
}
