namespace HostGrid.Core.Placement;

/// <summary>The guest's resources fit in the host's free capacity.</summary>
public sealed class CapacityFilter : IPlacementFilter
{
    public string Name => "capacity";

    public string? Reject(PlacementRequest request, HostSnapshot host)
    {
        var wanted = request.Spec.Resources;
        var free = host.Free;
        if (host.Reservations.Any(r => r.VmId == request.VmId))
        {
            return null; // already reserved here: a retried placement
        }

        if (wanted.Vcpus > free.Vcpus)
        {
            return $"insufficient vCPUs (free {free.Vcpus}, wanted {wanted.Vcpus})";
        }

        if (wanted.MemoryMib > free.MemoryMib)
        {
            return $"insufficient memory (free {free.MemoryMib} MiB, wanted {wanted.MemoryMib} MiB)";
        }

        return wanted.DiskGib > free.DiskGib
            ? $"insufficient disk (free {free.DiskGib} GiB, wanted {wanted.DiskGib} GiB)"
            : null;
    }
}
