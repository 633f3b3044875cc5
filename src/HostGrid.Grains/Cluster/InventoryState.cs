namespace HostGrid.Grains.Cluster;

[GenerateSerializer, Alias("hostgrid.InventoryState")]
public sealed class InventoryState
{
    [Id(0)] public SortedSet<string> Hosts { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public SortedDictionary<string, VmSummary> Vms { get; set; } = new(StringComparer.Ordinal);
}
