using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Agent;

public sealed partial class IsolationMonitor
{
    [LoggerMessage(EventId = LogEvents.AgentFenced, Level = LogLevel.Warning, Message = "Host {HostId} fencing itself, stopping {GuestCount} guests: {Reason}")]
    private partial void LogFencing(HostId hostId, int guestCount, string reason);
}
