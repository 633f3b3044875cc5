using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Agent;

public sealed partial class HostHeartbeatService
{
    [LoggerMessage(EventId = LogEvents.AgentServingHosts, Level = LogLevel.Information, Message = "Agent serving hosts {HostIds}")]
    private partial void LogServing(string hostIds);

    [LoggerMessage(EventId = LogEvents.HeartbeatFailed, Level = LogLevel.Warning, Message = "Heartbeat for host {HostId} failed: {Error}: {Message}")]
    private partial void LogHeartbeatFailed(HostId hostId, string error, string message);

    [LoggerMessage(EventId = LogEvents.AgentLeaseNotRenewed, Level = LogLevel.Warning, Message = "Lease of host {HostId} in the database not renewed: {Error}: {Message}")]
    private partial void LogLeaseNotRenewed(HostId hostId, string error, string message);

    [LoggerMessage(EventId = LogEvents.StrayGuestStopped, Level = LogLevel.Warning, Message = "Host {HostId} stops stray guest {VmId} (epoch {Epoch}): no reservation holds it here")]
    private partial void LogStrayStopped(HostId hostId, VmId vmId, long epoch);
}
