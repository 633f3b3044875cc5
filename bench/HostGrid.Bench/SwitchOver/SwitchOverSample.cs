using System.Text.Json.Nodes;

namespace HostGrid.Bench.SwitchOver;

/// <summary>
/// One migration as its operation recorded it once it ended. A migration that did not succeed has no figures (null);
/// <see cref="Message"/> says why.
/// </summary>
internal sealed record SwitchOverSample(
    int MemoryMib,
    int DirtyMibPerSecond,
    int Number,
    string From,
    string To,
    string? OperationId,
    bool Succeeded,
    string State,
    double? SwitchOverMs,
    double? HypervisorDowntimeMs,
    int? Rounds,
    long? BytesSent,
    int? ThrottlePercent,
    double? TotalSeconds,
    string? Message)
{
    /// <summary>A migration that never reached a final state or was refused: no figures.</summary>
    public static SwitchOverSample Failed(int memoryMib, int rate, int number, string from, string to, string? operationId, string state, string message) =>
        new(memoryMib, rate, number, from, to, operationId, false, state, null, null, null, null, null, null, message);

    public JsonObject ToJson() => new()
    {
        ["memory_mib"] = MemoryMib,
        ["dirty_mib_s"] = DirtyMibPerSecond,
        ["n"] = Number,
        ["from"] = From,
        ["to"] = To,
        ["succeeded"] = Succeeded,
        ["switchover_ms"] = Round(SwitchOverMs, 2),
        ["hypervisor_downtime_ms"] = Round(HypervisorDowntimeMs, 2),
        ["rounds"] = Rounds,
        ["bytes_sent"] = BytesSent,
        ["throttle_pct"] = ThrottlePercent,
        ["total_s"] = Round(TotalSeconds, 3),
    };

    private static double? Round(double? value, int decimals) => value is { } v && double.IsFinite(v) ? Math.Round(v, decimals) : null;
}
