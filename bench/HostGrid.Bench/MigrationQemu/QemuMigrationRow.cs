using System.Text.Json.Nodes;

namespace HostGrid.Bench.MigrationQemu;

/// <summary>One live migration of a QEMU test guest: its size and dirty rate, what it took, and whether its RAM arrived intact.</summary>
internal sealed record QemuMigrationRow(
    int MemoryMib,
    int DirtyMibPerSecond,
    double? TotalSeconds,
    double? QemuDowntimeMs,
    double? SwitchOverMs,
    int? Rounds,
    long? BytesSent,
    double? ThroughputFraction,
    bool Converged,
    string Accel,
    double? MigrateSeconds,
    double? PauseToCompleteMs,
    double? ConfirmMs,
    double? ActivateMs,
    double? QemuMibPerSecond,
    int? ThrottlePercent,
    bool? RamOk,
    bool? IncomingRamOk)
{
    public JsonObject ToJson() => new()
    {
        ["memory_mib"] = MemoryMib,
        ["dirty_mib_s"] = DirtyMibPerSecond,
        ["total_s"] = Round(TotalSeconds, 3),
        ["qemu_downtime_ms"] = Round(QemuDowntimeMs, 1),
        ["switchover_ms"] = Round(SwitchOverMs, 1),
        ["rounds"] = Rounds,
        ["bytes_sent"] = BytesSent,
        ["throughput_frac"] = Round(ThroughputFraction, 3),
        ["converged"] = Converged,
        ["accel"] = Accel,
        ["migrate_s"] = Round(MigrateSeconds, 3),
        ["pause_to_complete_ms"] = Round(PauseToCompleteMs, 1),
        ["confirm_ms"] = Round(ConfirmMs, 1),
        ["activate_ms"] = Round(ActivateMs, 1),
        ["qemu_mib_s"] = Round(QemuMibPerSecond, 0),
        ["throttle_pct"] = ThrottlePercent,
        ["ram_ok"] = RamOk,
    };

    /// <summary><see cref="ToJson"/> plus <c>incoming_ram_ok</c> when the run checked the paused destination copy too.</summary>
    public JsonObject ToJson(bool checkIncoming)
    {
        var json = ToJson();
        if (checkIncoming)
        {
            json["incoming_ram_ok"] = IncomingRamOk;
        }

        return json;
    }

    private static double? Round(double? value, int decimals) => value is { } v && double.IsFinite(v) ? Math.Round(v, decimals) : null;
}
