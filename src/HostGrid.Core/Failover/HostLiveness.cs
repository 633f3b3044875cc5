using HostGrid.Contracts.Failover;

namespace HostGrid.Core.Failover;

/// <summary>What the coordinator knows of one host's liveness.</summary>
/// <param name="HostId">The host.</param>
/// <param name="LastAck">When the coordinator last acknowledged a heartbeat of the host (or, after the coordinator reactivated, when it did: a safe later bound).</param>
/// <param name="SiloDead">Orleans membership has declared the host's agent silo dead.</param>
/// <param name="HypervisorHealthy">The agent's last report of its hypervisor.</param>
/// <param name="GuestsOutliveAgent">The host's guests keep running when its agent dies (and a restarted agent adopts them).</param>
public sealed record HostLiveness(HostId HostId, DateTimeOffset LastAck, bool SiloDead, bool HypervisorHealthy, bool GuestsOutliveAgent = false);
