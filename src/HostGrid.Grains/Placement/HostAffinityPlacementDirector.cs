using HostGrid.Contracts.Errors;
using Orleans.Runtime.Placement;

namespace HostGrid.Grains.Placement;

/// <summary>
/// Finds the active silo that advertises the grain's host id. When none does (the agent is dead or not started),
/// placement fails fast with <see cref="HostUnreachableException"/> rather than activating the grain elsewhere.
/// </summary>
public sealed class HostAffinityPlacementDirector : IPlacementDirector
{
    private readonly HostSilos _silos;

    public HostAffinityPlacementDirector(HostSilos silos) => _silos = silos;

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var hostId = target.GrainIdentity.Key.ToString()!;
        return _silos.Find(hostId, context.GetCompatibleSilos(target)) is { } silo
            ? Task.FromResult(silo)
            : throw new HostUnreachableException(new HostId(hostId), "no live agent serves this host");
    }
}
