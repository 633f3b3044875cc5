using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Vms;

public sealed partial class VmGrain
{
    [LoggerMessage(EventId = LogEvents.VmCreated, Level = LogLevel.Information, Message = "Vm {VmId} created on host {HostId} at epoch {Epoch}")]
    private partial void LogCreated(VmId vmId, HostId hostId, long epoch);

    [LoggerMessage(EventId = LogEvents.VmPlaced, Level = LogLevel.Information, Message = "Vm {VmId} placed and started on host {HostId} at epoch {Epoch}")]
    private partial void LogPlaced(VmId vmId, HostId hostId, long epoch);

    [LoggerMessage(EventId = LogEvents.VmPlacementAttemptFailed, Level = LogLevel.Warning, Message = "Vm {VmId} could not start on host {HostId}: {Reason}; trying the next host")]
    private partial void LogPlacementAttemptFailed(VmId vmId, HostId hostId, string reason);

    [LoggerMessage(EventId = LogEvents.VmStarted, Level = LogLevel.Information, Message = "Vm {VmId} started on host {HostId} at epoch {Epoch}")]
    private partial void LogStarted(VmId vmId, HostId hostId, long epoch);

    [LoggerMessage(EventId = LogEvents.VmStopped, Level = LogLevel.Information, Message = "Vm {VmId} stopped on host {HostId} at epoch {Epoch}")]
    private partial void LogStopped(VmId vmId, HostId hostId, long epoch);

    [LoggerMessage(EventId = LogEvents.VmDeleted, Level = LogLevel.Information, Message = "Vm {VmId} deleted")]
    private partial void LogDeleted(VmId vmId);

    [LoggerMessage(EventId = LogEvents.VmDisksLeftBehind, Level = LogLevel.Warning, Message = "Vm {VmId} deleted while host {HostId} did not answer: its disks stay on shared storage ({Reason})")]
    private partial void LogDisksLeftBehind(VmId vmId, HostId hostId, string reason);

    [LoggerMessage(EventId = LogEvents.VmFailedOver, Level = LogLevel.Warning, Message = "Vm {VmId} failed over from dead host {DeadHost} to {HostId} at epoch {Epoch}")]
    private partial void LogFailedOver(VmId vmId, HostId deadHost, HostId hostId, long epoch);

    [LoggerMessage(EventId = LogEvents.VmGuestLost, Level = LogLevel.Warning, Message = "Vm {VmId} should run on host {HostId} at epoch {Epoch} but its host has not reported it: restarting it")]
    private partial void LogGuestLost(VmId vmId, HostId hostId, long epoch);

    [LoggerMessage(EventId = LogEvents.VmFailoverPending, Level = LogLevel.Warning, Message = "Vm {VmId} from dead host {DeadHost} is pending: {Reason}")]
    private partial void LogFailoverPending(VmId vmId, HostId deadHost, string reason);

    [LoggerMessage(EventId = LogEvents.MigrationStarted, Level = LogLevel.Information, Message = "Vm {VmId} migration {OperationId} from {Source} to {Target} (live {Live})")]
    private partial void LogMigrationStarted(VmId vmId, string operationId, HostId source, HostId target, bool live);

    [LoggerMessage(EventId = LogEvents.MigrationPhaseChanged, Level = LogLevel.Information, Message = "Vm {VmId} migration {OperationId} phase {Phase}")]
    private partial void LogMigrationPhase(VmId vmId, string operationId, Contracts.Migration.MigrationPhase phase);

    [LoggerMessage(EventId = LogEvents.MigrationCompleted, Level = LogLevel.Information, Message = "Vm {VmId} migration {OperationId} completed on {Target}, downtime {DowntimeMs} ms")]
    private partial void LogMigrationCompleted(VmId vmId, string operationId, HostId target, double downtimeMs);

    [LoggerMessage(EventId = LogEvents.MigrationSwitchOver, Level = LogLevel.Information, Message = "Vm {VmId} migration {OperationId} switched over: {Parts} ms")]
    private partial void LogSwitchOver(VmId vmId, string operationId, SwitchOverClock parts);

    [LoggerMessage(EventId = LogEvents.MigrationRolledBack, Level = LogLevel.Warning, Message = "Vm {VmId} migration {OperationId} rolled back: {Reason}")]
    private partial void LogMigrationRolledBack(VmId vmId, string operationId, string reason);

    [LoggerMessage(EventId = LogEvents.MigrationRecovering, Level = LogLevel.Warning, Message = "Vm {VmId} recovering migration {OperationId} interrupted in phase {Phase}")]
    private partial void LogMigrationRecovering(VmId vmId, string operationId, Contracts.Migration.MigrationPhase phase);

    [LoggerMessage(EventId = LogEvents.MigrationStepFailed, Level = LogLevel.Error, Message = "Vm {VmId} migration {OperationId} could not go on from phase {Phase}: {Reason}; retried on reactivation")]
    private partial void LogMigrationStepFailed(VmId vmId, string operationId, Contracts.Migration.MigrationPhase phase, string reason);

    [LoggerMessage(EventId = LogEvents.MigrationStepSkipped, Level = LogLevel.Warning, Message = "Vm {VmId} migration: best-effort step skipped: {Reason}")]
    private partial void LogMigrationStepSkipped(VmId vmId, string reason);
}
