using HostGrid.Core.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HostGrid.Hypervisor.Qemu;

public sealed partial class QemuHypervisor
{
    [LoggerMessage(EventId = LogEvents.QemuGuestStarted, Level = LogLevel.Information, Message = "Host {HostId} runs vm {VmId} at epoch {Epoch} in QEMU pid {Pid} ({Accelerator})")]
    private partial void LogGuestStarted(HostId hostId, VmId vmId, long epoch, int pid, string accelerator);

    [LoggerMessage(EventId = LogEvents.QemuGuestStopped, Level = LogLevel.Information, Message = "Host {HostId} stopped vm {VmId} (epoch {Epoch})")]
    private partial void LogGuestStopped(HostId hostId, VmId vmId, long epoch);

    [LoggerMessage(EventId = LogEvents.QemuGuestAdopted, Level = LogLevel.Information, Message = "Host {HostId} adopted vm {VmId} at epoch {Epoch}, left running in QEMU pid {Pid} by an earlier agent")]
    private partial void LogGuestAdopted(HostId hostId, VmId vmId, long epoch, int pid);

    [LoggerMessage(EventId = LogEvents.QemuOrphanStopped, Level = LogLevel.Warning, Message = "Host {HostId} stopped orphan QEMU of vm {VmId} (pid {Pid}): {Reason}")]
    private partial void LogOrphanStopped(HostId hostId, string vmId, int pid, string reason);

    [LoggerMessage(EventId = LogEvents.QemuMigrationFailed, Level = LogLevel.Warning, Message = "Host {HostId}: migration of vm {VmId} (operation {OperationId}) failed; the source copy runs on: {Reason}")]
    private partial void LogMigrationFailed(HostId hostId, VmId vmId, string operationId, string reason);

    [LoggerMessage(EventId = LogEvents.QemuDiskDeleted, Level = LogLevel.Information, Message = "Host {HostId} deleted the disk of vm {VmId}: {Path}")]
    private partial void LogDiskDeleted(HostId hostId, VmId vmId, string path);

    [LoggerMessage(EventId = LogEvents.QemuPostCopyFailed, Level = LogLevel.Warning, Message = "Host {HostId}: the post-copy of vm {VmId} broke off ({Outcome}); its memory is incomplete, so it is stopped and restarts from its disk")]
    private partial void LogPostCopyFailed(HostId hostId, VmId vmId, string outcome);

    [LoggerMessage(EventId = LogEvents.QemuStopEscalated, Level = LogLevel.Warning, Message = "Host {HostId}: QEMU of vm {VmId} (pid {Pid}) did not quit; killed")]
    private partial void LogStopEscalated(HostId hostId, VmId vmId, int pid);
}
