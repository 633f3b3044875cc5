namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// A simulated guest whose load follows its <see cref="WorkloadProfile"/>. Its memory (page versions) exists only once something
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
        _phase = PageContent.Seed(vmId) % 1000 / 1000.0;
        Profile = WorkloadProfiles.Of(spec.Labels);
    }

    public WorkloadProfile Profile { get; }

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

    /// <summary>vCPUs busy now, by the guest's profile.</summary>
    public double CpuDemand(DateTimeOffset now) =>
        Spec.Resources.Vcpus * WorkloadProfiles.CpuFraction(Profile, now - StartedAt, _phase);

    /// <summary>Memory in use now, by the guest's profile.</summary>
    public long MemoryUsedMib(DateTimeOffset now) =>
        (long)(Spec.Resources.MemoryMib * WorkloadProfiles.MemoryFraction(Profile, now - StartedAt, _phase));
}
