namespace HostGrid.Contracts.Vms;

/// <summary>What the operator asked for: size, labels and placement constraints. <see cref="Pinned"/> keeps the rebalancer from moving it (stored inverted so records written before the field existed stay movable).</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.VmSpec")]
public sealed record VmSpec(
    [property: Id(0)] ResourceAmounts Resources,
    [property: Id(1)] IReadOnlyDictionary<string, string> Labels,
    [property: Id(2)] string? AntiAffinityGroup,
    [property: Id(3)] IReadOnlyDictionary<string, string> RequiredHostLabels,
    [property: Id(4)] PlacementPolicy PlacementPolicy = PlacementPolicy.Spread,
    [property: Id(5)] HostId? TargetHost = null,
    [property: Id(6)] RestartPriority RestartPriority = RestartPriority.Medium,
    [property: Id(7)] bool Pinned = false)
{
    /// <summary>Whether the rebalancer may move the guest (the API's <c>migratable</c>); operators still can.</summary>
    public bool Migratable => !Pinned;
}
