namespace HostGrid.Grains.Placement;

/// <summary>
/// Places a grain keyed by a host id on the silo whose agent serves that host, and nowhere else:
/// the agent advertises its hosts in silo metadata under <see cref="MetadataKey"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.HostAffinityPlacement")]
public sealed class HostAffinityPlacement : PlacementStrategy
{
    /// <summary>Silo metadata key holding the comma-separated ids of the hosts a silo serves.</summary>
    public const string MetadataKey = "hostgrid.hosts";

    public static HostAffinityPlacement Instance { get; } = new();

    public override bool IsUsingGrainDirectory => true;
}
