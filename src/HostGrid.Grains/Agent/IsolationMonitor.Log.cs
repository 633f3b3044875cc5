using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Agent;

public sealed partial class IsolationMonitor
{
    [LoggerMessage(EventId = LogEvents.AgentIsolated, Level = LogLevel.Warning, Message = "Host {HostId} isolated: no acknowledged heartbeat for {SinceLastAck}; stopping its guests (isolation response)")]
    private partial void LogIsolated(HostId hostId, TimeSpan sinceLastAck);

    [LoggerMessage(EventId = LogEvents.AgentFenced, Level = LogLevel.Warning, Message = "Host {HostId}: stopping {GuestCount} guests ({Reason})")]
    private partial void LogFencing(HostId hostId, int guestCount, string reason);
}
