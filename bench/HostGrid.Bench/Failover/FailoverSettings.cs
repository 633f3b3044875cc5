using System.Globalization;
using System.Text.Json.Nodes;
using HostGrid.Bench.Reporting;
using HostGrid.Testing;

namespace HostGrid.Bench.Failover;

/// <summary>The options of the failover benchmark, and the fixed shape of its cluster.</summary>
internal sealed record FailoverSettings(
    int Kills,
    int Hangs,
    int Seed,
    TimeSpan SettleTimeout,
    TimeSpan UpTimeout,
    TimeSpan CallTimeout,
    TimeSpan PollInterval,
    bool KeepLogs)
{
    public const int DefaultKills = 10;
    public const int DefaultHangs = 5;
    public const int DefaultSeed = 20261125;
    public const double DefaultSettleTimeoutSeconds = 60;
    public const double DefaultUpTimeoutSeconds = 90;
    public const double DefaultCallTimeoutSeconds = 3;
    public const double DefaultPollSeconds = 0.1;

    /// <summary>Five hosts of 16 vCPU / 32 GiB, as the chaos tests.</summary>
    public const int HostCount = 5;
    public const int HostVcpus = 16;
    public const long HostMemoryMib = 32768;
    public const long HostDiskGib = 500;

    /// <summary>40 guests of 1 vCPU / 1 GiB: eight a host when spread, and the survivors of one dead host can hold them all.</summary>
    public const int VmCount = 40;
    public const int VmVcpus = 1;
    public const long VmMemoryMib = 1024;
    public const long VmDiskGib = 10;

    public static IReadOnlyList<AgentSpec> Hosts { get; } = Enumerable.Range(1, HostCount)
        .Select(i => new AgentSpec($"hv-{i}", HostVcpus, HostMemoryMib, HostDiskGib))
        .ToArray();

    public static IReadOnlyList<string> Help { get; } =
    [
        $"--kills N               SIGKILL rounds (default {DefaultKills})",
        $"--hangs M               SIGSTOP rounds after the kills (default {DefaultHangs})",
        $"--seed S                seed of the random choice of the victim host (default {DefaultSeed})",
        $"--settle-timeout S      bound on one round's settling, from the fault (default {DefaultSettleTimeoutSeconds})",
        $"--up-timeout S          bound on waiting for all hosts Up between rounds (default {DefaultUpTimeoutSeconds})",
        $"--call-timeout S        deadline of each gRPC call while polling (default {DefaultCallTimeoutSeconds})",
        $"--poll S                pause between polls while settling (default {DefaultPollSeconds})",
        "--keep-logs             keep the cluster's work directory (agent and gateway logs, ledgers) afterwards",
        "needs HOSTGRID_TEST_PG (a PostgreSQL connection string); it starts its own agents and gateway (scripts/bench.sh does it all)",
    ];

    public static FailoverSettings Read(BenchArguments arguments) => new(
        arguments.Int("kills", DefaultKills, 0, 1000),
        arguments.Int("hangs", DefaultHangs, 0, 1000),
        arguments.Int("seed", DefaultSeed, 0, int.MaxValue),
        arguments.Seconds("settle-timeout", DefaultSettleTimeoutSeconds, 5, 3600),
        arguments.Seconds("up-timeout", DefaultUpTimeoutSeconds, 5, 3600),
        arguments.Seconds("call-timeout", DefaultCallTimeoutSeconds, 0.2, 60),
        arguments.Seconds("poll", DefaultPollSeconds, 0.01, 10),
        arguments.Flag("keep-logs"));

    public void WriteTo(BenchResult result)
    {
        result.Setting("hosts", HostCount);
        result.Setting("host", new JsonObject { ["vcpus"] = HostVcpus, ["memory_mib"] = HostMemoryMib, ["disk_gib"] = HostDiskGib });
        result.Setting("vms", VmCount);
        result.Setting("vm", new JsonObject { ["vcpus"] = VmVcpus, ["memory_mib"] = VmMemoryMib, ["disk_gib"] = VmDiskGib });
        result.Setting("placement_policy", "SPREAD (default)");
        result.Setting("kills", Kills);
        result.Setting("hangs", Hangs);
        result.Setting("seed", Seed);
        result.Setting("settle_timeout_s", SettleTimeout.TotalSeconds);
        result.Setting("up_timeout_s", UpTimeout.TotalSeconds);
        result.Setting("call_timeout_s", CallTimeout.TotalSeconds);
        result.Setting("poll_s", PollInterval.TotalSeconds);
        result.Setting("percentiles", "nearest rank");
        result.Setting("agent_build", Repo.Configuration);
        result.Setting("failover_options", AgentFailoverOptions());
        result.Setting("membership", new JsonObject
        {
            ["source"] = "src/HostGrid.Agent/Hosting/MembershipTuning.cs",
            ["probe_timeout_s"] = 1,
            ["num_missed_probes_limit"] = 2,
            ["enable_connection_liveness_check"] = false,
            ["table_refresh_timeout_s"] = 2,
            ["i_am_alive_table_publish_timeout_s"] = 5,
            ["death_vote_expiration_timeout_s"] = 10,
        });
    }

    /// <summary>
    /// The agents' HostGrid:Failover options: from the agent's appsettings.json next to the binary the benchmark runs,
    /// and FailoverOptions' defaults for what it does not set (the benchmark sets none itself).
    /// </summary>
    private static JsonObject AgentFailoverOptions()
    {
        var options = new JsonObject
        {
            ["source"] = "agent appsettings.json, else FailoverOptions defaults",
            ["heartbeat_interval_s"] = 1.0,
            ["missed_heartbeats"] = 3,
            ["isolation_timeout_s"] = 3.0,
            ["fence_margin_s"] = 0.5,
            ["restart_parallelism"] = 4,
        };
        try
        {
            var path = Path.Combine(Path.GetDirectoryName(Repo.Dll("HostGrid.Agent", "hostgrid-agent"))!, "appsettings.json");
            if (JsonNode.Parse(File.ReadAllText(path))?["HostGrid"]?["Failover"] is not JsonObject section)
            {
                return options;
            }

            Seconds(section, "HeartbeatInterval", options, "heartbeat_interval_s");
            Seconds(section, "IsolationTimeout", options, "isolation_timeout_s");
            Seconds(section, "FenceMargin", options, "fence_margin_s");
            if (section["MissedHeartbeats"] is JsonValue missed && missed.TryGetValue<int>(out var n))
            {
                options["missed_heartbeats"] = n;
            }

            if (section["RestartParallelism"] is JsonValue parallel && parallel.TryGetValue<int>(out var p))
            {
                options["restart_parallelism"] = p;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException)
        {
            options["source"] = $"FailoverOptions defaults (agent appsettings.json unreadable: {e.Message})";
        }

        return options;

        static void Seconds(JsonObject section, string key, JsonObject into, string name)
        {
            if (section[key] is JsonValue value && value.TryGetValue<string>(out var text)
                && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
            {
                into[name] = span.TotalSeconds;
            }
        }
    }
}
