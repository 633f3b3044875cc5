namespace HostGrid.Hypervisor.Qemu;

/// <summary>Settings of the QEMU driver, bound from <c>HostGrid:Qemu</c>; checked by <see cref="QemuOptionsValidator"/>.</summary>
public sealed class QemuOptions
{
    public const string SectionName = "HostGrid:Qemu";
    public const string DefaultBinary = "qemu-system-x86_64";
    public const string DefaultImageTool = "qemu-img";
    public const string DefaultStateDirectory = "/var/lib/hostgrid/qemu";
    public const string DefaultDiskDirectory = "/var/lib/hostgrid/disks";
    public const string DefaultKernel = TestGuestKernel;
    public const double DefaultPowerdownTimeoutSeconds = 10;
    public const double DefaultCommandTimeoutSeconds = 10;
    public const double DefaultLeaseWaitSeconds = 5;
    public const string DefaultMigrationListenAddress = "127.0.0.1";
    public const double DefaultMigrationBandwidthMibPerSecond = 0;
    public const int DefaultPostCopyAfterRounds = 0;
    public const int DefaultMigrationSocketBufferKib = 128;
    public const int MinMigrationSocketBufferKib = 16;
    public const int MaxMigrationSocketBufferKib = 64 * 1024;

    /// <summary>The value of <see cref="Kernel"/> that boots HostGrid's bundled test guest.</summary>
    public const string TestGuestKernel = "test-guest";

    /// <summary>Guest label: the test guest's working set in MiB (<c>wss_mib</c>).</summary>
    public const string WorkingSetLabel = "qemu.hostgrid.io/wss-mib";

    /// <summary>Guest label: how fast the test guest rewrites its working set, in MiB/s (<c>dirty_mib_s</c>).</summary>
    public const string DirtyRateLabel = "qemu.hostgrid.io/dirty-mib-s";

    /// <summary>The QEMU system emulator to run.</summary>
    /// <value>Default <c>qemu-system-x86_64</c> (found on PATH).</value>
    public string Binary { get; set; } = DefaultBinary;

    /// <summary>Tool that creates disk images.</summary>
    /// <value>Default <c>qemu-img</c>.</value>
    public string ImageTool { get; set; } = DefaultImageTool;

    /// <summary>
    /// Where each host keeps its guests' QMP sockets, pid files, logs and its lease; local to the server. Keep it short:
    /// a QMP socket path must fit in 107 bytes.
    /// </summary>
    /// <value>Default <c>/var/lib/hostgrid/qemu</c>.</value>
    public string StateDirectory { get; set; } = DefaultStateDirectory;

    /// <summary>
    /// Where guests' disk images live (<c>VM-INCARNATION.qcow2</c>, created on first start, deleted with the guest). Every
    /// host must see the same folder (shared storage), so that migration and failover find a guest's disk wherever it runs.
    /// </summary>
    /// <value>Default <c>/var/lib/hostgrid/disks</c>.</value>
    public string DiskDirectory { get; set; } = DefaultDiskDirectory;

    /// <summary>KVM, TCG, or KVM when available.</summary>
    /// <value>Default <see cref="QemuAccelerator.Auto"/>.</value>
    public QemuAccelerator Accelerator { get; set; } = QemuAccelerator.Auto;

    /// <summary>
    /// Kernel booted directly (<c>-kernel</c>): <c>test-guest</c> for HostGrid's bundled test guest, a path for another
    /// one, or empty to let the firmware boot the guest's disk.
    /// </summary>
    /// <value>Default <c>test-guest</c>.</value>
    public string Kernel { get; set; } = DefaultKernel;

    /// <summary>How long a stop waits for the guest to power off after an ACPI request before QEMU is told to quit.</summary>
    /// <value>Default 10 s.</value>
    public TimeSpan PowerdownTimeout { get; set; } = TimeSpan.FromSeconds(DefaultPowerdownTimeoutSeconds);

    /// <summary>Bounds each QEMU start and each QMP command.</summary>
    /// <value>Default 10 s.</value>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(DefaultCommandTimeoutSeconds);

    /// <summary>How long a start waits for the host's lease to be valid (an agent that just started has none yet).</summary>
    /// <value>Default 5 s.</value>
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(DefaultLeaseWaitSeconds);

    /// <summary>Address an incoming migration listens on.</summary>
    /// <value>Default <c>127.0.0.1</c>.</value>
    public string MigrationListenAddress { get; set; } = DefaultMigrationListenAddress;

    /// <summary>Cap on a migration's bandwidth in MiB/s, pre-copy and post-copy; 0 means no cap (QEMU's own default would be 128 MiB/s).</summary>
    /// <value>Default 0.</value>
    public double MigrationBandwidthMibPerSecond { get; set; } = DefaultMigrationBandwidthMibPerSecond;

    /// <summary>
    /// Send and receive buffer of the migration stream's socket on each side, in KiB; 0 leaves them to the kernel's
    /// autotuning (megabytes). What sits in these buffers when the source pauses must still cross before the destination
    /// can run, so they bound that part of the pause; they must still hold the link's bandwidth-delay product, or the
    /// stream slows (10 Gbit/s at 0.1 ms round trip: 128 KiB). The kernel caps them at <c>net.core.wmem_max</c> and
    /// <c>rmem_max</c>.
    /// </summary>
    /// <value>Default 128 KiB.</value>
    public int MigrationSocketBufferKib { get; set; } = DefaultMigrationSocketBufferKib;

    /// <summary>
    /// Pre-copy rounds after which a guest that has not converged finishes its move in post-copy; 0: never (auto-converge
    /// alone). The move commits first, while the guest still runs on the source; then it pauses only while its device
    /// state moves, runs on the destination and pulls the pages it lacks. Until those have arrived its memory lives on both
    /// hosts, so a failure then costs its memory: it restarts from its disk on the destination. Set it alike on every agent.
    /// </summary>
    /// <value>Default 0.</value>
    public int PostCopyAfterRounds { get; set; } = DefaultPostCopyAfterRounds;
}
