namespace HostGrid.Core.Rebalancing;

/// <summary>A guest as the rebalance planner sees it: where it runs, what it holds and what it uses.</summary>
/// <param name="VmId">The guest.</param>
/// <param name="Host">The host it runs on.</param>
/// <param name="Reserved">Its reservation; it must fit in a destination's free capacity.</param>
/// <param name="CpuDemand">Measured CPU use, in vCPUs (1.5 = one and a half vCPUs busy).</param>
/// <param name="MemoryUsedMib">Measured memory use, in MiB.</param>
/// <param name="AntiAffinityGroup">Guests of one group never share a host; null for none.</param>
/// <param name="Migratable">False pins the guest to its host.</param>
/// <param name="LastMovedAt">When it last migrated; null if never (or long ago).</param>
public sealed record RebalanceGuest(
    VmId VmId,
    HostId Host,
    ResourceAmounts Reserved,
    double CpuDemand,
    long MemoryUsedMib,
    string? AntiAffinityGroup = null,
    bool Migratable = true,
    DateTimeOffset? LastMovedAt = null);
