using HostGrid.Contracts.Rebalancing;
namespace HostGrid.Core.Rebalancing;

/// <summary>
/// Load-balancing settings, bound from <c>HostGrid:Rebalancer</c>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Aggressiveness"/> works like DRS's migration threshold: a higher level accepts a more even cluster as the
/// goal and smaller gains per move. Each level sets the target imbalance (the cluster's weighted standard deviation of
/// host load, see <see cref="ImbalanceMetric"/>) and the minimum improvement of one move (a drop of the cluster's total
/// squared load deviation, see <see cref="MinImprovement"/>):
/// </para>
/// <list type="table">
/// <listheader><term>level</term><description>target imbalance, minimum improvement</description></listheader>
/// <item><term>1 (conservative)</term><description>0.20, 0.010</description></item>
/// <item><term>2</term><description>0.15, 0.005</description></item>
/// <item><term>3 (default)</term><description>0.10, 0.0025</description></item>
/// <item><term>4</term><description>0.07, 0.001</description></item>
/// <item><term>5 (aggressive)</term><description>0.05, 0.0005</description></item>
/// </list>
/// <para><see cref="TargetImbalance"/> and <see cref="MinImprovement"/>, when set, override the level's values.</para>
/// </remarks>
public sealed class RebalancerOptions
{
    public const string SectionName = "HostGrid:Rebalancer";
    public const RebalanceMode DefaultMode = RebalanceMode.Recommend;
    public const int DefaultAggressiveness = 3;
    public const int DefaultMaxMovesPerPass = 10;
    public const int DefaultMaxConcurrentMigrations = 2;
    public const double DefaultVmCooldownMinutes = 10;
    public const double DefaultSustainedWindowMinutes = 2;
    public const double DefaultCpuWeight = 0.5;
    public const double DefaultMemoryWeight = 0.5;
    public const double DefaultHeadroomFraction = 0.1;
    public const double DefaultIntervalMinutes = 1;
    public const int MinAggressiveness = 1;
    public const int MaxAggressiveness = 5;

    private static readonly double[] LevelTargets = [0.20, 0.15, 0.10, 0.07, 0.05];
    private static readonly double[] LevelMinImprovements = [0.010, 0.005, 0.0025, 0.001, 0.0005];

    /// <summary>Whether the rebalancer plans (and applies) on its own.</summary>
    /// <value>Default <see cref="RebalanceMode.Recommend"/>.</value>
    public RebalanceMode Mode { get; set; } = DefaultMode;

    /// <summary>1 (only fix large imbalance with large gains) to 5 (even out small differences); see the class remarks.</summary>
    /// <value>Default 3.</value>
    public int Aggressiveness { get; set; } = DefaultAggressiveness;

    /// <summary>Imbalance at or under which the cluster counts as balanced; null takes the value of <see cref="Aggressiveness"/>.</summary>
    /// <value>Default null (0.10 at level 3).</value>
    public double? TargetImbalance { get; set; }

    /// <summary>
    /// Least drop of the cluster's total squared load deviation, Σ over hosts and resources of weight × (load − mean load)²,
    /// that one move must bring; null takes the value of <see cref="Aggressiveness"/>. Measured on the total rather than on
    /// the imbalance so that it does not shrink with the number of hosts: moving 5% of a host's load from a host 5 points
    /// above the mean to one 5 points below lowers it by 0.005.
    /// </summary>
    /// <value>Default null (0.0025 at level 3).</value>
    public double? MinImprovement { get; set; }

    /// <summary>Most moves one plan holds; the next pass plans again from fresh loads.</summary>
    /// <value>Default 10.</value>
    public int MaxMovesPerPass { get; set; } = DefaultMaxMovesPerPass;

    /// <summary>Migrations of one pass running at once.</summary>
    /// <value>Default 2.</value>
    public int MaxConcurrentMigrations { get; set; } = DefaultMaxConcurrentMigrations;

    /// <summary>A guest moved less than this long ago is not moved again; one moved less than twice this long ago costs more.</summary>
    /// <value>Default 10 min.</value>
    public TimeSpan VmCooldown { get; set; } = TimeSpan.FromMinutes(DefaultVmCooldownMinutes);

    /// <summary>In automatic mode, imbalance must stay above the target this long before a pass starts.</summary>
    /// <value>Default 2 min.</value>
    public TimeSpan SustainedWindow { get; set; } = TimeSpan.FromMinutes(DefaultSustainedWindowMinutes);

    /// <summary>Weight of CPU load in the imbalance (normalized with <see cref="MemoryWeight"/>).</summary>
    /// <value>Default 0.5.</value>
    public double CpuWeight { get; set; } = DefaultCpuWeight;

    /// <summary>Weight of memory load in the imbalance (normalized with <see cref="CpuWeight"/>).</summary>
    /// <value>Default 0.5.</value>
    public double MemoryWeight { get; set; } = DefaultMemoryWeight;

    /// <summary>Fraction of CPU and of memory a destination must still have free (by measured demand) after a move.</summary>
    /// <value>Default 0.1.</value>
    public double HeadroomFraction { get; set; } = DefaultHeadroomFraction;

    /// <summary>How often automatic mode samples the imbalance and may start a pass.</summary>
    /// <value>Default 1 min.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(DefaultIntervalMinutes);

    /// <summary>The target imbalance in force: <see cref="TargetImbalance"/> or the level's.</summary>
    public double EffectiveTargetImbalance => TargetImbalance ?? LevelTargets[Level - 1];

    /// <summary>The minimum improvement in force: <see cref="MinImprovement"/> or the level's.</summary>
    public double EffectiveMinImprovement => MinImprovement ?? LevelMinImprovements[Level - 1];

    private int Level => Math.Clamp(Aggressiveness, MinAggressiveness, MaxAggressiveness);

    /// <summary>A copy with another <see cref="Mode"/> (an operator's override of the configured one).</summary>
    public RebalancerOptions WithMode(RebalanceMode mode)
    {
        var copy = (RebalancerOptions)MemberwiseClone();
        copy.Mode = mode;
        return copy;
    }
}
