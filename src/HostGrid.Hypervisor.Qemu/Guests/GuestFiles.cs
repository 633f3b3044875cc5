namespace HostGrid.Hypervisor.Qemu.Guests;

/// <summary>
/// Where one guest's QEMU process keeps its files on a host: <c>STATE/HOST/guests/VM/</c> with the QMP socket, the pid file,
/// QEMU's log, the guest's console (debugcon) and <c>guest.json</c>, which a restarted agent reads to adopt the process.
/// </summary>
public sealed record GuestFiles(string Directory)
{
    /// <summary>Longest path a unix socket can have on Linux (108 bytes with the terminating NUL).</summary>
    public const int MaxSocketPathLength = 107;

    public string QmpSocket => Path.Combine(Directory, "qmp.sock");

    /// <summary>A second QMP monitor the agent never uses: for operators and tests to look into the guest (QMP takes one client per socket).</summary>
    public string MonitorSocket => Path.Combine(Directory, "monitor.sock");

    public string PidFile => Path.Combine(Directory, "qemu.pid");

    public string QemuLog => Path.Combine(Directory, "qemu.log");

    public string ConsoleLog => Path.Combine(Directory, "console.log");

    public string Record => Path.Combine(Directory, "guest.json");

    public static GuestFiles For(string hostDirectory, VmId vmId) => new(Path.Combine(GuestsDirectory(hostDirectory), vmId.Value));

    public static string GuestsDirectory(string hostDirectory) => Path.Combine(hostDirectory, "guests");
}
