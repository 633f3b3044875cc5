namespace HostGrid.Core.Rebalancing;

/// <summary>
/// The cluster as one read: hosts, guests (each on one of the hosts) and the time of the read, against which cooldowns
/// are measured. Guests on a host missing from <see cref="Hosts"/> are ignored.
/// </summary>
public sealed record RebalanceSnapshot(
    IReadOnlyList<RebalanceHost> Hosts,
    IReadOnlyList<RebalanceGuest> Guests,
    DateTimeOffset Now);
