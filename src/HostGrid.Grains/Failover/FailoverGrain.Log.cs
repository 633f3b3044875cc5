using HostGrid.Contracts.Failover;
using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Failover;

public sealed partial class FailoverGrain
{
    [LoggerMessage(EventId = LogEvents.FailoverPhaseChanged, Level = LogLevel.Warning, Message = "Failover {FailoverId} of host {HostId}: {Phase}")]
    private partial void LogPhase(HostId hostId, string failoverId, FailoverPhase phase);

    [LoggerMessage(EventId = LogEvents.FailoverAwaitingLease, Level = LogLevel.Warning, Message = "Failover {FailoverId} of host {HostId} waits: its agent {Agent} still renews its lease in the database, so it has not fenced itself and its guests run there")]
    private partial void LogAwaitingLease(HostId hostId, string failoverId, string agent);

    [LoggerMessage(EventId = LogEvents.FailoverFailed, Level = LogLevel.Error, Message = "Failover {FailoverId} of host {HostId} failed; it resumes when the coordinator retries")]
    private partial void LogFailed(Exception e, HostId hostId, string failoverId);
}
