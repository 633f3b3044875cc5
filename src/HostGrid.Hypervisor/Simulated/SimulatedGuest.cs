namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// A simulated guest with a steady synthetic load that drifts slowly. Its memory (page versions) exists only once something
/// looks at it (a migration), so thousands of idle simulated guests cost nothing. Paused while a switch-over is under way.
/// </summary>
internal sealed class SimulatedGuest
{
    private readonly double _phase;

    public SimulatedGuest(VmId vmId, GuestSpec spec, long epoch, DateTimeOffset startedAt)
    {
        VmId = vmId;
        Spec = spec;
        Epoch = epoch;
        StartedAt = startedAt;
        _phase = PageContent.Seed(vmId) % 1000 / 1000.0 * 2 * Math.PI;
    }

    public VmId VmId { get; }

    public GuestSpec Spec { get; }

    public long Epoch { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>The guest's memory and the workload writing it; null until first needed.</summary>
    public GuestMemory? Memory { get; set; }

    public DirtyingWorkload? Workload { get; set; }

    /// <summary>Stopped for a switch-over: it runs no code and writes nothing until resumed or stopped.</summary>
    public bool Paused { get; set; }

    /// <summary>The migration that paused it with a verified copy at the destination; cleared when it runs again.</summary>
    public CompletedMigration? Completed { get; set; }

    /// <summary>vCPUs busy: 30% of the guest's vCPUs, ±10% over a ten-minute cycle.</summary>
    public double CpuDemand(DateTimeOffset now)
    {
        var t = (now - StartedAt).TotalSeconds;
        return Spec.Resources.Vcpus * (0.3 + 0.1 * Math.Sin(_phase + t * 2 * Math.PI / 600));
    }

    /// <summary>Guests touch 60% of their memory.</summary>
    public long MemoryUsedMib => Spec.Resources.MemoryMib * 6 / 10;
}
