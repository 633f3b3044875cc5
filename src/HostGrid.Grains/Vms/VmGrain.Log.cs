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

    [LoggerMessage(EventId = LogEvents.VmFailedOver, Level = LogLevel.Warning, Message = "Vm {VmId} failed over from dead host {DeadHost} to {HostId} at epoch {Epoch}")]
    private partial void LogFailedOver(VmId vmId, HostId deadHost, HostId hostId, long epoch);

    [LoggerMessage(EventId = LogEvents.VmFailoverPending, Level = LogLevel.Warning, Message = "Vm {VmId} from dead host {DeadHost} is pending: {Reason}")]
    private partial void LogFailoverPending(VmId vmId, HostId deadHost, string reason);
}
