namespace HostGrid.Core.Placement;

/// <summary>Prefers the host left with the largest free share of CPU and memory after placing the guest.</summary>
public sealed class SpreadWeigher : IPlacementWeigher
{
    public double Weigh(PlacementRequest request, HostSnapshot host) => FreeShareAfter(request, host);

    internal static double FreeShareAfter(PlacementRequest request, HostSnapshot host)
    {
        // A host that already holds this guest's reservation (a retried placement) has counted it in Allocated.
        var alreadyHere = host.Reservations.Any(r => r.VmId == request.VmId);
        var after = alreadyHere ? host.Free : host.Free - request.Spec.Resources;
        var cpu = host.Capacity.Vcpus == 0 ? 0 : (double)after.Vcpus / host.Capacity.Vcpus;
        var memory = host.Capacity.MemoryMib == 0 ? 0 : (double)after.MemoryMib / host.Capacity.MemoryMib;
        return (cpu + memory) / 2;
    }
}
