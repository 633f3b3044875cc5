using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Hosts;

public sealed partial class HostAgentGrain
{
    [LoggerMessage(EventId = LogEvents.GuestStarted, Level = LogLevel.Information, Message = "Host {HostId} started guest {VmId} at epoch {Epoch}")]
    private partial void LogGuestStarted(HostId hostId, VmId vmId, long epoch);

    [LoggerMessage(EventId = LogEvents.GuestStopped, Level = LogLevel.Information, Message = "Host {HostId} stopped guest {VmId} at epoch {Epoch}")]
    private partial void LogGuestStopped(HostId hostId, VmId vmId, long epoch);

    [LoggerMessage(EventId = LogEvents.StaleCommandRefused, Level = LogLevel.Warning, Message = "Host {HostId} refused a command for {VmId} at stale epoch {Epoch} (current {CurrentEpoch})")]
    private partial void LogStaleCommand(HostId hostId, VmId vmId, long epoch, long currentEpoch);
}
