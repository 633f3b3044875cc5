using System.Text.Json.Nodes;
using HostGrid.Hypervisor.Qemu;

namespace HostGrid.Bench.SwitchOver;

/// <summary>The options of the switchover benchmark.</summary>
internal sealed record SwitchOverSettings(
    Uri Gateway,
    IReadOnlyList<int> SizesMib,
    IReadOnlyList<int> DirtyRatesMibPerSecond,
    int Repeats,
    int Warmup,
    TimeSpan Settle,
    TimeSpan Timeout,
    TimeSpan ReadyTimeout,
    TimeSpan MigrationTimeout,
    TimeSpan CallTimeout,
    TimeSpan CleanupTimeout)
{
    public const string DefaultSizes = "256";
    public const string DefaultRates = "0,20";
    public const int DefaultRepeats = 20;
    /// <summary>
    /// Two round trips. The guest's grain follows the guest, so it may run its part of a move on the first host's silo only
    /// in the third move: until then a move meets first calls (the JIT). Measured: the third move 86-133 ms, the fourth 15-16.
    /// </summary>
    public const int DefaultWarmup = 4;
    public const double DefaultSettleSeconds = 1;
    public const double DefaultTimeoutSeconds = 1200;
    public const double DefaultReadyTimeoutSeconds = 60;
    public const double DefaultMigrationTimeoutSeconds = 180;
    public const double DefaultCallTimeoutSeconds = 30;
    public const double DefaultCleanupTimeoutSeconds = 120;

    /// <summary>The guests' shape besides memory: one vCPU and the smallest disk (a thin qcow2 on the shared disk folder).</summary>
    public const int VmVcpus = 1;
    public const long VmDiskGib = 1;

    /// <summary>The test guest's working set is half its memory, at most this; it is what an idle guest's migration sends.</summary>
    public const int MaxWorkingSetMib = 64;

    /// <summary>Right after the cluster is Up a host may still be Joining (until its grain's next heartbeat): creates retry this long.</summary>
    public static readonly TimeSpan CreateRetryWindow = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan CreateRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a running migration's operation is read.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a new guest's state is read until it runs.</summary>
    public static readonly TimeSpan ReadyPollInterval = TimeSpan.FromMilliseconds(200);

    public static IReadOnlyList<string> Help { get; } =
    [
        "--gateway URL           the gateway (default $HOSTGRID_GATEWAY, else http://127.0.0.1:5080); its agents must run the QEMU driver",
        $"--sizes MIB,...         guest memory sizes, one guest each per rate (default {DefaultSizes})",
        $"--rates MIBS,...        guest dirty rates in MiB/s; 0 = idle (default {DefaultRates})",
        $"--repeats N             timed migrations per guest, alternating between the first two Up hosts (default {DefaultRepeats})",
        $"--warmup N              untimed migrations per guest first (default {DefaultWarmup})",
        $"--settle S              the guest runs this long between migrations (default {DefaultSettleSeconds})",
        $"--timeout S             bound on the whole run in seconds (default {DefaultTimeoutSeconds})",
        $"--ready-timeout S       wait for a new guest to be RUNNING (default {DefaultReadyTimeoutSeconds})",
        $"--migration-timeout S   wait for one migration's operation to end (default {DefaultMigrationTimeoutSeconds})",
        $"--call-timeout S        deadline of each call (default {DefaultCallTimeoutSeconds})",
        $"--cleanup-timeout S     bound on deleting the guests at the end (default {DefaultCleanupTimeoutSeconds})",
    ];

    public static SwitchOverSettings Read(BenchArguments arguments) => new(
        arguments.Url("gateway", Running.GatewayChannel.DefaultAddress),
        arguments.IntList("sizes", DefaultSizes, 64, 16_384),
        arguments.IntList("rates", DefaultRates, 0, 10_000),
        arguments.Int("repeats", DefaultRepeats, 1, 1000),
        arguments.Int("warmup", DefaultWarmup, 0, 100),
        arguments.Seconds("settle", DefaultSettleSeconds, 0, 60),
        arguments.Seconds("timeout", DefaultTimeoutSeconds, 1, 86_400),
        arguments.Seconds("ready-timeout", DefaultReadyTimeoutSeconds, 1, 3600),
        arguments.Seconds("migration-timeout", DefaultMigrationTimeoutSeconds, 1, 3600),
        arguments.Seconds("call-timeout", DefaultCallTimeoutSeconds, 0.1, 3600),
        arguments.Seconds("cleanup-timeout", DefaultCleanupTimeoutSeconds, 1, 3600));

    /// <summary>The test guest's working set: half the memory, capped at <see cref="MaxWorkingSetMib"/>.</summary>
    public static int WorkingSetMib(int memoryMib) => Math.Min(MaxWorkingSetMib, memoryMib / 2);

    /// <summary>The labels that make the bundled test guest fill its working set and, when <paramref name="rate"/> &gt; 0, rewrite it.</summary>
    public static Dictionary<string, string> GuestLabels(int memoryMib, int rate)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [QemuOptions.WorkingSetLabel] = WorkingSetMib(memoryMib).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (rate > 0)
        {
            labels[QemuOptions.DirtyRateLabel] = rate.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return labels;
    }

    public void WriteTo(Reporting.BenchResult result)
    {
        result.Setting("gateway", Gateway.OriginalString);
        result.Setting("sizes_mib", new JsonArray(SizesMib.Select(s => (JsonNode?)s).ToArray()));
        result.Setting("dirty_rates_mib_s", new JsonArray(DirtyRatesMibPerSecond.Select(r => (JsonNode?)r).ToArray()));
        result.Setting("working_set_mib", new JsonArray(SizesMib.Select(s => (JsonNode?)WorkingSetMib(s)).ToArray()));
        result.Setting("repeats", Repeats);
        result.Setting("warmup", Warmup);
        result.Setting("settle_s", Settle.TotalSeconds);
        result.Setting("timeout_s", Timeout.TotalSeconds);
        result.Setting("ready_timeout_s", ReadyTimeout.TotalSeconds);
        result.Setting("migration_timeout_s", MigrationTimeout.TotalSeconds);
        result.Setting("call_timeout_s", CallTimeout.TotalSeconds);
        result.Setting("cleanup_timeout_s", CleanupTimeout.TotalSeconds);
        result.Setting("poll_interval_ms", PollInterval.TotalMilliseconds);
        result.Setting("vm", new JsonObject { ["vcpus"] = VmVcpus, ["disk_gib"] = VmDiskGib });
        // The cluster's MigrationOptions are its own; scripts/run-local.sh sets none, so these defaults are in force there.
        result.Setting("cluster_migration_defaults", new JsonObject
        {
            ["max_downtime_ms"] = Core.Migration.MigrationOptions.DefaultMaxDowntimeMs,
            ["auto_converge"] = Core.Migration.MigrationOptions.DefaultAutoConverge,
            ["migration_bandwidth_cap_mib_s"] = QemuOptions.DefaultMigrationBandwidthMibPerSecond,
        });
    }
}
