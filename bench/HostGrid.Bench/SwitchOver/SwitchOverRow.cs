using System.Text.Json.Nodes;
using HostGrid.Bench.Reporting;

namespace HostGrid.Bench.SwitchOver;

/// <summary>One guest (a memory size and a dirty rate) and its timed migrations, summed up as one row of the results.</summary>
internal sealed class SwitchOverRow
{
    public SwitchOverRow(int memoryMib, int dirtyMibPerSecond)
    {
        MemoryMib = memoryMib;
        DirtyMibPerSecond = dirtyMibPerSecond;
    }

    public int MemoryMib { get; }

    public int DirtyMibPerSecond { get; }

    /// <summary>The timed migrations, in order.</summary>
    public List<SwitchOverSample> Samples { get; } = [];

    /// <summary>The untimed warm-up migrations, in order: reported apart, as what a fresh cluster's first moves cost.</summary>
    public List<SwitchOverSample> Warmups { get; } = [];

    /// <summary>Succeeded migrations that carry a switch-over figure.</summary>
    public IEnumerable<SwitchOverSample> Measured => Samples.Where(s => s.Succeeded && s.SwitchOverMs is not null);

    public int Failed => Samples.Count(s => !s.Succeeded);

    public JsonObject ToJson()
    {
        var switchOver = Measured.Select(s => s.SwitchOverMs!.Value).ToList();
        var hypervisor = Measured.Where(s => s.HypervisorDowntimeMs is not null).Select(s => s.HypervisorDowntimeMs!.Value).ToList();
        var rounds = Measured.Where(s => s.Rounds is not null).Select(s => (double)s.Rounds!.Value).ToList();
        var bytes = Measured.Where(s => s.BytesSent is not null).Select(s => (double)s.BytesSent!.Value).ToList();
        var total = Measured.Where(s => s.TotalSeconds is not null).Select(s => s.TotalSeconds!.Value).ToList();
        return new JsonObject
        {
            ["memory_mib"] = MemoryMib,
            ["dirty_mib_s"] = DirtyMibPerSecond,
            ["migrations"] = Samples.Count,
            ["failed"] = Failed,
            ["switchover_p50_ms"] = Round(Percentiles.Of(switchOver, 50), 2),
            ["switchover_p99_ms"] = Round(Percentiles.Of(switchOver, 99), 2),
            ["switchover_max_ms"] = Round(switchOver.Count > 0 ? switchOver.Max() : null, 2),
            ["hypervisor_downtime_p50_ms"] = Round(Percentiles.Of(hypervisor, 50), 2),
            ["hypervisor_downtime_p99_ms"] = Round(Percentiles.Of(hypervisor, 99), 2),
            ["rounds_p50"] = Round(Percentiles.Of(rounds, 50), 1),
            ["bytes_sent_p50"] = Percentiles.Of(bytes, 50) is { } b ? (long)Math.Round(b) : null,
            ["total_s_p50"] = Round(Percentiles.Of(total, 50), 3),
        };
    }

    private static double? Round(double? value, int decimals) => value is { } v && double.IsFinite(v) ? Math.Round(v, decimals) : null;
}
