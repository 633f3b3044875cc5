using Orleans.Runtime.MembershipService.SiloMetadata;

namespace HostGrid.Grains.Placement;

/// <summary>
/// Which silo serves a host: the one whose agent advertises the host's id in its silo metadata under
/// <see cref="HostAffinityPlacement.MetadataKey"/>.
/// </summary>
public sealed class HostSilos
{
    private readonly ISiloMetadataCache _metadata;
    private readonly IClusterMembershipService _membership;

    public HostSilos(ISiloMetadataCache metadata, IClusterMembershipService membership)
    {
        _metadata = metadata;
        _membership = membership;
    }

    /// <summary>The active silo serving <paramref name="host"/>, or null when none does (its agent is dead or not started).</summary>
    public SiloAddress? Find(HostId host) =>
        Find(host.Value, _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress));

    /// <summary>
    /// The one of <paramref name="candidates"/> serving <paramref name="hostId"/>, or null. Should two (an agent restarted
    /// before its old silo was declared dead), the newest: every silo then picks the same one.
    /// </summary>
    public SiloAddress? Find(string hostId, IEnumerable<SiloAddress> candidates) =>
        candidates
            .Where(silo => _metadata.GetSiloMetadata(silo).Metadata.TryGetValue(HostAffinityPlacement.MetadataKey, out var hosts)
                && hosts.Split(',', StringSplitOptions.TrimEntries).Contains(hostId, StringComparer.Ordinal))
            .MaxBy(silo => silo.Generation);
}
