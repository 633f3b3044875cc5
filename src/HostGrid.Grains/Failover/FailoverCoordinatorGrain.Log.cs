using HostGrid.Contracts.Failover;
using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Failover;

public sealed partial class FailoverCoordinatorGrain
{
    [LoggerMessage(EventId = LogEvents.CoordinatorActivated, Level = LogLevel.Information, Message = "Failover coordinator active, watching {HostCount} hosts")]
    private partial void LogActivated(int hostCount);

    [LoggerMessage(EventId = LogEvents.HostDeclaredDown, Level = LogLevel.Warning, Message = "Host {HostId} declared Down ({Cause}), last heartbeat {SinceLastAck} ago")]
    private partial void LogDeclaredDown(HostId hostId, FailureCause cause, TimeSpan sinceLastAck);

    [LoggerMessage(EventId = LogEvents.HostRejoined, Level = LogLevel.Information, Message = "Host {HostId} fenced itself and rejoined")]
    private partial void LogRejoined(HostId hostId);

    [LoggerMessage(EventId = LogEvents.FailoverWithdrawn, Level = LogLevel.Warning, Message = "Host {HostId} is back before it fenced itself: failover {FailoverId} withdrawn, the host is Up")]
    private partial void LogFailoverWithdrawn(HostId hostId, string failoverId);

    [LoggerMessage(EventId = LogEvents.AgentAdoptedGuests, Level = LogLevel.Information, Message = "Host {HostId} is served by a new agent, which adopted {GuestCount} running guests")]
    private partial void LogAgentAdopted(HostId hostId, int guestCount);

    [LoggerMessage(EventId = LogEvents.CoordinatorLeaseNotRenewed, Level = LogLevel.Warning, Message = "Failover coordinator could not renew its acknowledgement lease; acknowledgements end at {Horizon}: {Reason}")]
    private partial void LogAckLeaseNotRenewed(DateTimeOffset horizon, string reason);
}
