namespace HostGrid.Contracts.Failover;

/// <summary>
/// The coordinator's answer to a heartbeat. Receiving it is what keeps an agent from fencing itself;
/// <see cref="Fenced"/> tells an agent that was declared dead to stop its guests before rejoining.
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.HeartbeatAck")]
public sealed record HeartbeatAck([property: Id(0)] bool Fenced);
