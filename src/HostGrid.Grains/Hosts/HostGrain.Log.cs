using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Hosts;

public sealed partial class HostGrain
{
    [LoggerMessage(EventId = LogEvents.HostRegistered, Level = LogLevel.Information, Message = "Host {HostId} registered: {Vcpus} vCPU, {MemoryMib} MiB, {DiskGib} GiB")]
    private partial void LogRegistered(HostId hostId, int vcpus, long memoryMib, long diskGib);

    [LoggerMessage(EventId = LogEvents.HostStatusChanged, Level = LogLevel.Information, Message = "Host {HostId} status {From} -> {To}")]
    private partial void LogStatusChanged(HostId hostId, HostStatus from, HostStatus to);

    [LoggerMessage(EventId = LogEvents.HostMaintenanceChanged, Level = LogLevel.Information, Message = "Host {HostId} maintenance {Maintenance}")]
    private partial void LogMaintenance(HostId hostId, bool maintenance);
}
