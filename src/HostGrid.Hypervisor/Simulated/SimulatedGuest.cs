namespace HostGrid.Hypervisor.Simulated;

/// <summary>A running simulated guest with a steady synthetic load that drifts slowly.</summary>
internal sealed record SimulatedGuest(VmId VmId, GuestSpec Spec, long Epoch, DateTimeOffset StartedAt)
{
    private readonly double _phase = (uint)StringComparer.Ordinal.GetHashCode(VmId.Value) % 1000 / 1000.0 * 2 * Math.PI;

    /// <summary>vCPUs busy: 30% of the guest's vCPUs, ±10% over a ten-minute cycle.</summary>
    public double CpuDemand(DateTimeOffset now)
    {
        var t = (now - StartedAt).TotalSeconds;
        return Spec.Resources.Vcpus * (0.3 + 0.1 * Math.Sin(_phase + t * 2 * Math.PI / 600));
    }

    /// <summary>Guests touch 60% of their memory.</summary>
    public long MemoryUsedMib => Spec.Resources.MemoryMib * 6 / 10;
}
