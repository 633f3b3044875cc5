using System.Text.Json.Nodes;

namespace HostGrid.Bench.Migration;

/// <summary>One migration measured: a guest size and dirty rate, and what it took.</summary>
internal sealed record MigrationRow(
    int MemoryMib,
    int DirtyMibPerSecond,
    double TotalSeconds,
    double? DowntimeMs,
    double? SwitchOverMs,
    int? Rounds,
    long? BytesSent,
    double? ThroughputFraction,
    bool Converged,
    int? ThrottlePercent)
{
    public JsonObject ToJson() => new()
    {
        ["memory_mib"] = MemoryMib,
        ["dirty_mib_s"] = DirtyMibPerSecond,
        ["total_s"] = Math.Round(TotalSeconds, 3),
        ["downtime_ms"] = DowntimeMs is { } d ? Math.Round(d, 2) : null,
        ["switch_over_ms"] = SwitchOverMs is { } w ? Math.Round(w, 2) : null,
        ["rounds"] = Rounds,
        ["bytes_sent"] = BytesSent,
        ["throughput_frac"] = ThroughputFraction is { } f ? Math.Round(f, 3) : null,
        ["converged"] = Converged,
        ["throttle_pct"] = ThrottlePercent,
    };
}
