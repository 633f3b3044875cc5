namespace HostGrid.Grains.Hosts;

/// <summary>The persisted part of a host's record. Heartbeats are kept in memory only: they arrive every second.</summary>
[GenerateSerializer, Alias("hostgrid.HostState")]
public sealed class HostState
{
    [Id(0)] public bool Registered { get; set; }

    [Id(1)] public ResourceAmounts Capacity { get; set; }

    [Id(2)] public Dictionary<string, string> Labels { get; set; } = [];

    [Id(3)] public Dictionary<VmId, Reservation> Reservations { get; set; } = [];

    /// <summary>Declared dead by the failover coordinator; takes no guests until it rejoins.</summary>
    [Id(4)] public bool Down { get; set; }

    /// <summary>Set by an operator: takes no new guests while draining or serviced.</summary>
    [Id(5)] public bool Maintenance { get; set; }

    public ResourceAmounts Allocated => Reservations.Values.Aggregate(ResourceAmounts.Zero, (sum, r) => sum + r.Resources);
}
