using Orleans.Placement;
using Orleans.Runtime;

namespace HostGrid.Storage.Tests.Grains;

/// <summary>Randomly placed, so a handful of keys lands on every silo of the cluster.</summary>
[RandomPlacement]
public sealed class PlacementProbeGrain(ILocalSiloDetails silo) : Grain, IPlacementProbeGrain
{
    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.Endpoint.ToString());
}
