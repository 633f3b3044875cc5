using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Maintenance;

public sealed partial class MaintenanceGrain
{
    [LoggerMessage(EventId = LogEvents.DrainStarted, Level = LogLevel.Information, Message = "Host {HostId} entered maintenance; drain {OperationId} moves {Guests} guests")]
    private partial void LogDrainStarted(HostId hostId, string operationId, int guests);

    [LoggerMessage(EventId = LogEvents.DrainFinished, Level = LogLevel.Information, Message = "Host {HostId} drain {OperationId} {Outcome}: {Message}")]
    private partial void LogDrainFinished(HostId hostId, string operationId, OperationState outcome, string message);

    [LoggerMessage(EventId = LogEvents.DrainMigrationFailed, Level = LogLevel.Warning, Message = "Host {HostId} drain: guest {VmId} did not move: {Reason}")]
    private partial void LogDrainMigrationFailed(HostId hostId, VmId vmId, string reason);

    [LoggerMessage(EventId = LogEvents.DrainStalled, Level = LogLevel.Error, Message = "Host {HostId} drain {OperationId} stalled: {Reason}; resumed by its reminder")]
    private partial void LogDrainStalled(HostId hostId, string operationId, string reason);
}
