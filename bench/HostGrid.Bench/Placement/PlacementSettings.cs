using System.Text.Json.Nodes;

namespace HostGrid.Bench.Placement;

/// <summary>The options of the placement benchmark.</summary>
internal sealed record PlacementSettings(
    Uri Gateway,
    int Vms,
    int Concurrency,
    int Warmup,
    TimeSpan Timeout,
    TimeSpan CallTimeout,
    TimeSpan CleanupTimeout)
{
    public const int DefaultVms = 300;
    public const int DefaultConcurrency = 16;
    public const int DefaultWarmup = 100;
    public const double DefaultTimeoutSeconds = 300;
    public const double DefaultCallTimeoutSeconds = 30;
    public const double DefaultCleanupTimeoutSeconds = 120;

    /// <summary>The size of every guest the benchmark creates: the smallest useful one, so placement cost dominates.</summary>
    public const int VmVcpus = 1;
    public const long VmMemoryMib = 256;
    public const long VmDiskGib = 1;

    public static IReadOnlyList<string> Help { get; } =
    [
        "--gateway URL           the gateway (default $HOSTGRID_GATEWAY, else http://127.0.0.1:5080)",
        $"--vms N                 CreateVm calls to time (default {DefaultVms})",
        $"--concurrency C         calls in flight (default {DefaultConcurrency})",
        $"--warmup N              untimed creates and deletes first, in waves like the timed ones (default {DefaultWarmup})",
        $"--timeout S             bound on the whole run in seconds (default {DefaultTimeoutSeconds})",
        $"--call-timeout S        deadline of each call (default {DefaultCallTimeoutSeconds})",
        $"--cleanup-timeout S     bound on deleting leftovers after a timeout or failure (default {DefaultCleanupTimeoutSeconds})",
    ];

    public static PlacementSettings Read(BenchArguments arguments) => new(
        arguments.Url("gateway", Running.GatewayChannel.DefaultAddress),
        arguments.Int("vms", DefaultVms, 1, 100_000),
        arguments.Int("concurrency", DefaultConcurrency, 1, 1024),
        arguments.Int("warmup", DefaultWarmup, 0, 1000),
        arguments.Seconds("timeout", DefaultTimeoutSeconds, 1, 86_400),
        arguments.Seconds("call-timeout", DefaultCallTimeoutSeconds, 0.1, 3600),
        arguments.Seconds("cleanup-timeout", DefaultCleanupTimeoutSeconds, 1, 3600));

    public void WriteTo(Reporting.BenchResult result)
    {
        result.Setting("gateway", Gateway.OriginalString);
        result.Setting("vms", Vms);
        result.Setting("concurrency", Concurrency);
        result.Setting("warmup", Warmup);
        result.Setting("timeout_s", Timeout.TotalSeconds);
        result.Setting("call_timeout_s", CallTimeout.TotalSeconds);
        result.Setting("cleanup_timeout_s", CleanupTimeout.TotalSeconds);
        result.Setting("vm", new JsonObject { ["vcpus"] = VmVcpus, ["memory_mib"] = VmMemoryMib, ["disk_gib"] = VmDiskGib });
        result.Setting("placement_policy", "SPREAD (default)");
    }
}
