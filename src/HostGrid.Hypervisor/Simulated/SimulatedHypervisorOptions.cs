namespace HostGrid.Hypervisor.Simulated;

/// <summary>Settings of the simulated hypervisor, bound from <c>HostGrid:Simulated</c>.</summary>
public sealed class SimulatedHypervisorOptions
{
    public const string SectionName = "HostGrid:Simulated";
    public const double DefaultStartLatencyMs = 20;

    /// <summary>Time a simulated guest takes to boot or shut down.</summary>
    /// <value>Default 20 ms.</value>
    public TimeSpan StartLatency { get; set; } = TimeSpan.FromMilliseconds(DefaultStartLatencyMs);

    /// <summary>
    /// Folder for the guest ledgers: one append-only file per host recording every guest start and stop with its epoch,
    /// so tests can check that no guest ever ran twice even after the agent died. Empty: no ledger.
    /// </summary>
    /// <value>Default empty.</value>
    public string? LedgerDirectory { get; set; }
}
