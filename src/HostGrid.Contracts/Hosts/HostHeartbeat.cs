namespace HostGrid.Contracts.Hosts;

/// <summary>
/// One heartbeat from an agent for a host: its load and the guests its hypervisor runs. <see cref="GuestsOutliveAgent"/>
/// says the guests are processes of their own (QEMU) that a restarted agent adopts, so the death of the agent's silo alone
/// does not mean they stopped.
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.HostHeartbeat")]
public sealed record HostHeartbeat(
    [property: Id(0)] HostId HostId,
    [property: Id(1)] HostLoad Load,
    [property: Id(2)] IReadOnlyList<GuestStatus> Guests,
    [property: Id(3)] bool HypervisorHealthy,
    [property: Id(4)] bool FencedItself = false,
    [property: Id(5)] bool GuestsOutliveAgent = false);
