namespace HostGrid.Hypervisor.Simulated;

/// <summary>Settings of the simulated hypervisor, bound from <c>HostGrid:Simulated</c>; checked by <see cref="SimulatedHypervisorOptionsValidator"/>.</summary>
public sealed class SimulatedHypervisorOptions
{
    public const string SectionName = "HostGrid:Simulated";
    public const double DefaultStartLatencyMs = 20;
    public const double DefaultDirtyRateMibPerSecond = 8;
    public const double DefaultHotSetFraction = 0.1;
    public const double DefaultHotWriteFraction = 0.8;
    public const string DefaultMigrationListenAddress = "127.0.0.1";
    public const double DefaultMigrationBandwidthLimitMibPerSecond = 0;
    public const int DefaultMigrationFramePages = 256;

    /// <summary>Guest label that overrides <see cref="DirtyRateMibPerSecond"/> for one guest (a number of MiB/s).</summary>
    public const string DirtyRateLabel = "sim.hostgrid.io/dirty-mib-s";

    /// <summary>Guest label that overrides <see cref="HotSetFraction"/> for one guest (a number from 0 to 1).</summary>
    public const string HotSetLabel = "sim.hostgrid.io/hot-set-fraction";

    /// <summary>Time a simulated guest takes to boot or shut down.</summary>
    /// <value>Default 20 ms.</value>
    public TimeSpan StartLatency { get; set; } = TimeSpan.FromMilliseconds(DefaultStartLatencyMs);

    /// <summary>
    /// Folder for the guest ledgers: one append-only file per host recording every guest start and stop with its epoch,
    /// so tests can check that no guest ever ran twice even after the agent died. Empty: no ledger.
    /// </summary>
    /// <value>Default empty.</value>
    public string? LedgerDirectory { get; set; }

    /// <summary>How fast a running guest writes its memory, in MiB/s (before any migration throttle). A guest's
    /// <see cref="DirtyRateLabel"/> label overrides it.</summary>
    /// <value>Default 8 MiB/s.</value>
    public double DirtyRateMibPerSecond { get; set; } = DefaultDirtyRateMibPerSecond;

    /// <summary>Fraction of a guest's pages that form its hot set.</summary>
    /// <value>Default 0.1.</value>
    public double HotSetFraction { get; set; } = DefaultHotSetFraction;

    /// <summary>Fraction of a guest's writes that go to its hot set; the rest go anywhere.</summary>
    /// <value>Default 0.8.</value>
    public double HotWriteFraction { get; set; } = DefaultHotWriteFraction;

    /// <summary>Seed of the guests' write patterns; unset: each guest's is derived from its id (so runs repeat either way).</summary>
    /// <value>Default unset.</value>
    public int? DirtySeed { get; set; }

    /// <summary>Address a destination listens on for an incoming guest's pages (the source connects to it).</summary>
    /// <value>Default 127.0.0.1.</value>
    public string MigrationListenAddress { get; set; } = DefaultMigrationListenAddress;

    /// <summary>Most a source sends per second, in MiB; 0 is unlimited. Lets tests make a migration last long enough to disturb it.</summary>
    /// <value>Default 0 (unlimited).</value>
    public double MigrationBandwidthLimitMibPerSecond { get; set; } = DefaultMigrationBandwidthLimitMibPerSecond;

    /// <summary>Pause the source takes after each pre-copy round (fault injection for tests of slow migrations).</summary>
    /// <value>Default zero.</value>
    public TimeSpan MigrationRoundDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Wait the source takes after pausing the guest for the switch-over and before sending the last pages (fault injection for
    /// tests: an agent can be killed while its guest is paused mid switch-over). The wait ends early if the migration is cancelled.
    /// </summary>
    /// <value>Default zero.</value>
    public TimeSpan MigrationSwitchOverDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Pages per data frame on the wire.</summary>
    /// <value>Default 256 (1 MiB of content).</value>
    public int MigrationFramePages { get; set; } = DefaultMigrationFramePages;
}
