using System.Globalization;
using HostGrid.Contracts;
using HostGrid.Hypervisor.Qemu;
using HostGrid.Hypervisor.Qemu.Guests;
using HostGrid.Hypervisor.Qemu.TestGuest;

namespace HostGrid.ChaosTests;

/// <summary>
/// Three real agents on the QEMU driver: every guest a QEMU process booting the test guest. Failover is tuned like a
/// production QEMU cluster (10 s isolation timeout), long enough for a restarted agent to adopt its guests. Disposal stops
/// the cluster, then kills any QEMU or watchdog process left under its folder.
/// </summary>
public sealed class QemuClusterFixture : IAsyncLifetime
{
    public const int IsolationTimeoutSeconds = 10;

    public static readonly AgentSpec[] Specs = Enumerable.Range(1, 3)
        .Select(i => new AgentSpec($"hv-{i}", 16, 32768, 500))
        .ToArray();

    public QemuClusterFixture()
    {
        Root = Directory.CreateTempSubdirectory("hgc-").FullName;
        Cluster = new LocalCluster(Specs, new Dictionary<string, string>
        {
            ["HostGrid__Agent__Driver"] = "Qemu",
            ["HostGrid__Qemu__StateDirectory"] = StateDirectory,
            ["HostGrid__Qemu__DiskDirectory"] = Path.Combine(Root, "disks"),
            // Slow enough that a test can act in the middle of a pre-copy of a few hundred MiB.
            ["HostGrid__Qemu__MigrationBandwidthMibPerSecond"] = "64",
            // A guest that outpaces it finishes in post-copy; without auto-converge nothing else would make it converge.
            ["HostGrid__Qemu__PostCopyAfterRounds"] = "6",
            ["HostGrid__Migration__AutoConverge"] = "false",
            ["HostGrid__Qemu__PowerdownTimeout"] = "00:00:01",
            ["HostGrid__Failover__IsolationTimeout"] = $"00:00:{IsolationTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}",
            ["HostGrid__Failover__MissedHeartbeats"] = IsolationTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        });
    }

    public string Root { get; }

    public string StateDirectory => Path.Combine(Root, "state");

    public LocalCluster Cluster { get; }

    public static bool QemuInstalled => QemuProcess.FindOnPath(QemuOptions.DefaultBinary) is not null;

    public async Task InitializeAsync()
    {
        if (!QemuInstalled)
        {
            return; // each test fails under CI=true, returns otherwise
        }

        await Cluster.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        ProcessesByCommandLine.KillContaining(Root);

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a dying process still held a file
        }
    }

    /// <summary>A guest's files on a host.</summary>
    public GuestFiles Files(string hostId, string vmId) => GuestFiles.For(Path.Combine(StateDirectory, hostId), new VmId(vmId));

    /// <summary>The pid of the guest's QEMU process on the host, or null when none runs there.</summary>
    public int? QemuPid(string hostId, string vmId)
    {
        var files = Files(hostId, vmId);
        return QemuProcess.ReadPid(files) is { } pid && QemuProcess.IsGuestProcess(pid, files) ? pid : null;
    }

    /// <summary>Every QEMU process of a host's guests that is alive now (whatever its agent believes).</summary>
    public IReadOnlyList<int> QemuProcessesOf(string hostId) =>
        ProcessesByCommandLine.Containing(Path.Combine(StateDirectory, hostId, "guests") + "/").Where(pid => ProcessesByCommandLine.CommandLine(pid).Contains("qemu-system", StringComparison.Ordinal)).ToList();

    public Task<TestGuestProbe> ProbeAsync(string hostId, string vmId, CancellationToken cancellationToken) =>
        TestGuestProbe.ConnectAsync(Files(hostId, vmId).MonitorSocket, Path.Combine(Root, "dumps"), cancellationToken);

    /// <summary>The test fails under CI=true when QEMU is missing; elsewhere it returns early.</summary>
    public static bool CanRun()
    {
        if (QemuInstalled)
        {
            return true;
        }

        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), "qemu-system-x86_64 is not installed (CI=true: the QEMU cluster tests must run; scripts/test.sh installs it)");
        return false;
    }
}
