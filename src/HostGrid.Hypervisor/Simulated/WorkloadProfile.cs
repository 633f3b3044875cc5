namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// How a simulated guest's load changes over time, chosen per guest with the label <see cref="WorkloadProfiles.Label"/>
/// (<c>steady</c> when absent or unknown). CPU is a fraction of the guest's vCPUs; memory a fraction of its memory.
/// </summary>
public enum WorkloadProfile
{
    /// <summary>30% CPU ±10% over ten minutes; 60% of memory.</summary>
    Steady = 0,

    /// <summary>A compressed day: CPU from 10% to 90% and back every twenty minutes; memory 50-70% with it.</summary>
    Diurnal = 1,

    /// <summary>20% CPU with bursts to 95% for 30 s in every two minutes (at a per-guest offset); 70% of memory.</summary>
    Bursty = 2,

    /// <summary>2% CPU, 20% of memory.</summary>
    Idle = 3,
}

/// <summary>The load each <see cref="WorkloadProfile"/> gives at a moment: pure, so tests and the rebalancer's users can predict it.</summary>
public static class WorkloadProfiles
{
    /// <summary>Guest label naming the profile.</summary>
    public const string Label = "sim.hostgrid.io/profile";

    private static readonly TimeSpan SteadyCycle = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan DiurnalCycle = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan BurstCycle = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan BurstLength = TimeSpan.FromSeconds(30);

    public static WorkloadProfile Of(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(Label, out var name) && Enum.TryParse<WorkloadProfile>(name, ignoreCase: true, out var profile) && Enum.IsDefined(profile)
            ? profile
            : WorkloadProfile.Steady;

    /// <summary>CPU busy as a fraction of the guest's vCPUs, <paramref name="elapsed"/> after it started; <paramref name="phase"/> in [0, 1) spreads guests apart.</summary>
    public static double CpuFraction(WorkloadProfile profile, TimeSpan elapsed, double phase) => profile switch
    {
        WorkloadProfile.Diurnal => 0.5 - 0.4 * Math.Cos(2 * Math.PI * (Cycles(elapsed, DiurnalCycle) + phase)),
        WorkloadProfile.Bursty => InBurst(elapsed, phase) ? 0.95 : 0.2,
        WorkloadProfile.Idle => 0.02,
        _ => 0.3 + 0.1 * Math.Sin(2 * Math.PI * (Cycles(elapsed, SteadyCycle) + phase)),
    };

    /// <summary>Memory in use as a fraction of the guest's memory.</summary>
    public static double MemoryFraction(WorkloadProfile profile, TimeSpan elapsed, double phase) => profile switch
    {
        WorkloadProfile.Diurnal => 0.6 - 0.1 * Math.Cos(2 * Math.PI * (Cycles(elapsed, DiurnalCycle) + phase)),
        WorkloadProfile.Bursty => 0.7,
        WorkloadProfile.Idle => 0.2,
        _ => 0.6,
    };

    private static double Cycles(TimeSpan elapsed, TimeSpan cycle) => elapsed / cycle;

    private static bool InBurst(TimeSpan elapsed, double phase)
    {
        var intoCycle = (Cycles(elapsed, BurstCycle) + phase) % 1.0;
        return intoCycle < BurstLength / BurstCycle;
    }
}
