using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Hosts;

public sealed partial class HostAgentGrain
{
    [LoggerMessage(EventId = LogEvents.GuestStarted, Level = LogLevel.Information, Message = "Host {HostId} started guest {VmId} at epoch {Epoch}")]
    private partial void LogGuestStarted(HostId hostId, VmId vmId, long epoch);

    [LoggerMessage(EventId = LogEvents.GuestStopped, Level = LogLevel.Information, Message = "Host {HostId} stopped guest {VmId} at epoch {Epoch}")]
    private partial void LogGuestStopped(HostId hostId, VmId vmId, long epoch);

    [LoggerMessage(EventId = LogEvents.GuestDeleted, Level = LogLevel.Information, Message = "Host {HostId} deleted guest {VmId} and its disks at epoch {Epoch}")]
    private partial void LogGuestDeleted(HostId hostId, VmId vmId, long epoch);

    [LoggerMessage(EventId = LogEvents.StaleCommandRefused, Level = LogLevel.Warning, Message = "Host {HostId} refused a command for {VmId} at stale epoch {Epoch} (current {CurrentEpoch})")]
    private partial void LogStaleCommand(HostId hostId, VmId vmId, long epoch, long currentEpoch);

    [LoggerMessage(EventId = LogEvents.MigrationOutStarted, Level = LogLevel.Information, Message = "Host {HostId} migrating {VmId} out ({OperationId}) to {Address}:{Port}")]
    private partial void LogMigrationOutStarted(HostId hostId, VmId vmId, string operationId, string address, int port);

    [LoggerMessage(EventId = LogEvents.MigrationOutFinished, Level = LogLevel.Information, Message = "Host {HostId} switched {VmId} over after {Rounds} rounds, {Bytes} bytes, switch-over {SwitchOverMs} ms")]
    private partial void LogMigrationOutFinished(HostId hostId, VmId vmId, int rounds, long bytes, double switchOverMs);

    [LoggerMessage(EventId = LogEvents.MigrationOutFailed, Level = LogLevel.Warning, Message = "Host {HostId} could not migrate {VmId} out ({OperationId}): {Reason}")]
    private partial void LogMigrationOutFailed(HostId hostId, VmId vmId, string operationId, string reason);
}
