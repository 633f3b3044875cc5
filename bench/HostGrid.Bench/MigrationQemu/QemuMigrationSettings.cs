using System.Globalization;
using System.Text.Json.Nodes;
using HostGrid.Hypervisor.Qemu;

namespace HostGrid.Bench.MigrationQemu;

/// <summary>The options of the migration-qemu benchmark.</summary>
internal sealed record QemuMigrationSettings(
    IReadOnlyList<int> SizesMib,
    IReadOnlyList<int> DirtyRatesMibPerSecond,
    int Repeats,
    int MaxWorkingSetMib,
    int LoopbackMib,
    QemuAccelerator Accelerator,
    TimeSpan Timeout,
    TimeSpan ReadyTimeout,
    TimeSpan Settle,
    bool Warmup,
    bool CheckIncoming)
{
    public const string DefaultSizes = "64,256,1024";
    public const string DefaultRates = "0,50";
    public const int DefaultRepeats = 3;
    public const int DefaultMaxWorkingSetMib = 256;
    public const int DefaultLoopbackMib = 1024;
    public const int LoopbackChunk = 1 << 20;
    public const int LoopbackSamples = 3;
    public const double DefaultTimeoutSeconds = 120;
    public const double DefaultReadyTimeoutSeconds = 60;
    public const double DefaultSettleSeconds = 1;

    /// <summary>Bound on a row's work besides the migration itself: starting both QEMUs, the guest's boot, the RAM check, stopping.</summary>
    public static readonly TimeSpan RowOverhead = TimeSpan.FromSeconds(120);

    public static IReadOnlyList<string> Help { get; } =
    [
        $"--sizes MIB,...         guest memory sizes (default {DefaultSizes})",
        $"--rates MIBS,...        guest dirty rates in MiB/s; 0 = idle (default {DefaultRates})",
        $"--repeats N             migrations per size and rate (default {DefaultRepeats})",
        $"--max-wss MIB           the working set is half the memory, at most this (default {DefaultMaxWorkingSetMib})",
        $"--loopback-mib N        MiB per plain loopback transfer (best of {LoopbackSamples}, 1 MiB buffers; default {DefaultLoopbackMib})",
        "--accel auto|kvm|tcg    QEMU accelerator (default auto: KVM when hardware-backed, TCG otherwise and on PVM)",
        $"--timeout S             MigrationOptions.Timeout of each migration (default {DefaultTimeoutSeconds}); each row is bounded by it + {RowOverhead.TotalSeconds:F0} s",
        $"--ready-timeout S       wait for the test guest's working set and ticks (default {DefaultReadyTimeoutSeconds})",
        $"--settle S              the guest runs (dirtying) this long after it is ready, before the migration (default {DefaultSettleSeconds})",
        "--no-warmup             skip the uncounted 64 MiB warm-up migration",
        "--check-incoming        diagnostic: before ActivateIncoming, compare the paused destination copy with the paused source",
        "                        byte for byte and check its RAM, so a page lost in the stream shows apart from one lost after",
        "                        the guest ran again (its time is left out of switchover_ms)",
    ];

    public static QemuMigrationSettings Read(BenchArguments arguments) => new(
        arguments.IntList("sizes", DefaultSizes, 32, 16_384),
        arguments.IntList("rates", DefaultRates, 0, 10_000),
        arguments.Int("repeats", DefaultRepeats, 1, 100),
        arguments.Int("max-wss", DefaultMaxWorkingSetMib, 1, 8192),
        arguments.Int("loopback-mib", DefaultLoopbackMib, 16, 65_536),
        (arguments.String("accel", null) ?? "auto") switch
        {
            "auto" => QemuAccelerator.Auto,
            "kvm" => QemuAccelerator.Kvm,
            "tcg" => QemuAccelerator.Tcg,
            var other => throw new UsageException($"--accel takes auto, kvm or tcg (got '{other}')"),
        },
        arguments.Seconds("timeout", DefaultTimeoutSeconds, 1, 3600),
        arguments.Seconds("ready-timeout", DefaultReadyTimeoutSeconds, 1, 600),
        arguments.Seconds("settle", DefaultSettleSeconds, 0, 60),
        !arguments.Flag("no-warmup"),
        arguments.Flag("check-incoming"));

    /// <summary>The test guest's working set: half the memory, capped at <see cref="MaxWorkingSetMib"/>.</summary>
    public int WorkingSetMib(int memoryMib) => Math.Min(memoryMib / 2, MaxWorkingSetMib);

    public void WriteTo(Reporting.BenchResult result, string accel)
    {
        result.Setting("sizes_mib", new JsonArray(SizesMib.Select(s => (JsonNode?)s).ToArray()));
        result.Setting("dirty_rates_mib_s", new JsonArray(DirtyRatesMibPerSecond.Select(r => (JsonNode?)r).ToArray()));
        result.Setting("working_set_mib", new JsonArray(SizesMib.Select(s => (JsonNode?)WorkingSetMib(s)).ToArray()));
        result.Setting("repeats", Repeats);
        result.Setting("vcpus", 1);
        result.Setting("loopback_mib", LoopbackMib);
        result.Setting("loopback_chunk_bytes", LoopbackChunk);
        result.Setting("loopback_samples", LoopbackSamples);
        result.Setting("accel_option", Accelerator.ToString().ToLowerInvariant());
        result.Setting("accel", accel);
        result.Setting("timeout_s", Timeout.TotalSeconds);
        result.Setting("ready_timeout_s", ReadyTimeout.TotalSeconds);
        result.Setting("settle_s", Settle.TotalSeconds);
        result.Setting("warmup", Warmup);
        result.Setting("check_incoming", CheckIncoming);
        result.Setting("max_downtime_ms", Core.Migration.MigrationOptions.DefaultMaxDowntimeMs);
        result.Setting("auto_converge", Core.Migration.MigrationOptions.DefaultAutoConverge);
        result.Setting("migration_bandwidth_cap_mib_s", QemuOptions.DefaultMigrationBandwidthMibPerSecond);
    }
}
