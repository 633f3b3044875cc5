using HostGrid.Contracts.Errors;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace HostGrid.Grains.Placement;

/// <summary>
/// Finds the active silo that advertises the grain's host id. When none does (the agent is dead or not started),
/// placement fails fast with <see cref="HostUnreachableException"/> rather than activating the grain elsewhere.
/// </summary>
public sealed class HostAffinityPlacementDirector : IPlacementDirector
{
    private readonly ISiloMetadataCache _metadata;

    public HostAffinityPlacementDirector(ISiloMetadataCache metadata) => _metadata = metadata;

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var hostId = target.GrainIdentity.Key.ToString()!;
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            if (_metadata.GetSiloMetadata(silo).Metadata.TryGetValue(HostAffinityPlacement.MetadataKey, out var hosts)
                && hosts.Split(',', StringSplitOptions.TrimEntries).Contains(hostId, StringComparer.Ordinal))
            {
                return Task.FromResult(silo);
            }
        }

        throw new HostUnreachableException(new HostId(hostId), "no live agent serves this host");
    }
}
