namespace HostGrid.Core.Migration;

/// <summary>Live-migration settings, bound from <c>HostGrid:Migration</c>. The source agent's settings drive a migration.</summary>
public sealed class MigrationOptions
{
    public const string SectionName = "HostGrid:Migration";
    public const double DefaultMaxDowntimeMs = 50;
    public const int DefaultMaxRounds = 30;
    public const double DefaultTimeoutSeconds = 300;
    public const bool DefaultAutoConverge = true;
    public const int DefaultThrottleInitialPercent = 20;
    public const int DefaultThrottleIncrementPercent = 10;
    public const int DefaultThrottleMaxPercent = 99;
    public const int DefaultDrainParallelism = 2;

    /// <summary>Longest pause of the guest at switch-over: switch over once the remaining dirty pages fit in it at the measured bandwidth.</summary>
    /// <value>Default 50 ms.</value>
    public TimeSpan MaxDowntime { get; set; } = TimeSpan.FromMilliseconds(DefaultMaxDowntimeMs);

    /// <summary>Pre-copy rounds (the first full pass included) before giving up.</summary>
    /// <value>Default 30.</value>
    public int MaxRounds { get; set; } = DefaultMaxRounds;

    /// <summary>Longest a migration may take, start to switch-over, before giving up.</summary>
    /// <value>Default 300 s.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    /// <summary>Throttle the guest's dirty rate step by step when rounds stop converging (like QEMU's auto-converge).</summary>
    /// <value>Default true.</value>
    public bool AutoConverge { get; set; } = DefaultAutoConverge;

    /// <summary>First throttle step, in percent of the guest's dirty rate taken away.</summary>
    /// <value>Default 20.</value>
    public int ThrottleInitialPercent { get; set; } = DefaultThrottleInitialPercent;

    /// <summary>Each further throttle step, in percent.</summary>
    /// <value>Default 10.</value>
    public int ThrottleIncrementPercent { get; set; } = DefaultThrottleIncrementPercent;

    /// <summary>Most the guest is throttled, in percent.</summary>
    /// <value>Default 99.</value>
    public int ThrottleMaxPercent { get; set; } = DefaultThrottleMaxPercent;

    /// <summary>Guests migrated off a host at once while it drains for maintenance.</summary>
    /// <value>Default 2.</value>
    public int DrainParallelism { get; set; } = DefaultDrainParallelism;
}
