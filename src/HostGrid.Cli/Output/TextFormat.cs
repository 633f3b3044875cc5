using System.Globalization;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Output;

/// <summary>Plain-text pieces of the table view: bars, ratios, ages, labels and state names.</summary>
internal static class TextFormat
{
    public const int BarWidth = 10;

    /// <summary>`█████░░░░░ 52%` for 0.52; the fraction is clamped to 0..1 for the bar, not the number.</summary>
    public static string Bar(double fraction, int width = BarWidth)
    {
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width, MidpointRounding.AwayFromZero);
        return $"{new string('█', filled)}{new string('░', width - filled)} {Percent(fraction)}";
    }

    public static string Percent(double fraction) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Round(fraction * 100, MidpointRounding.AwayFromZero):0}%");

    /// <summary>Fraction of <paramref name="capacity"/> in use; 0 when there is no capacity.</summary>
    public static double Fraction(double used, double capacity) => capacity > 0 ? used / capacity : 0;

    /// <summary>`0.4s ago`, `3m12s ago`, `2h05m ago`, `3d04h ago`; `never` for a negative age.</summary>
    public static string HeartbeatAge(double seconds)
    {
        if (seconds < 0 || double.IsNaN(seconds))
            return "never";
        if (seconds < 60)
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(seconds * 10) / 10:0.0}s ago");
        return $"{Coarse(TimeSpan.FromSeconds(seconds))} ago";
    }

    /// <summary>How long ago <paramref name="time"/> was, as <see cref="HeartbeatAge"/>; `-` when unset. A time in the future (clock skew) is `0.0s ago`.</summary>
    public static string Age(Google.Protobuf.WellKnownTypes.Timestamp? time, DateTimeOffset now) =>
        time is null ? "-" : HeartbeatAge(Math.Max(0, (now - time.ToDateTimeOffset()).TotalSeconds));

    /// <summary>`3.5s`, `3m12s`, `2h05m`, `3d04h`; a negative span is `0.0s`.</summary>
    public static string Duration(TimeSpan span)
    {
        var tenths = Math.Round(Math.Max(0, span.TotalSeconds) * 10, MidpointRounding.AwayFromZero) / 10;
        return tenths < 60
            ? string.Create(CultureInfo.InvariantCulture, $"{tenths:0.0}s")
            : Coarse(TimeSpan.FromSeconds(Math.Round(span.TotalSeconds, MidpointRounding.AwayFromZero)));
    }

    /// <summary>The span from <paramref name="from"/> to <paramref name="to"/> as <see cref="Duration(TimeSpan)"/>; null when either is unset.</summary>
    public static string? Duration(Google.Protobuf.WellKnownTypes.Timestamp? from, Google.Protobuf.WellKnownTypes.Timestamp? to) =>
        from is null || to is null ? null : Duration(to.ToDateTimeOffset() - from.ToDateTimeOffset());

    private static string Coarse(TimeSpan span) =>
        span.TotalHours < 1 ? $"{span.Minutes}m{span.Seconds:00}s"
        : span.TotalDays < 1 ? $"{span.Hours}h{span.Minutes:00}m"
        : $"{(int)span.TotalDays}d{span.Hours:00}h";

    /// <summary>`k=v,k2=v2` sorted by key, or `-` when empty.</summary>
    public static string Labels(IDictionary<string, string> labels) =>
        labels.Count == 0 ? "-" : string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    public static string Name(HostStatus status) => EnumName(status.ToString());

    public static string Name(VmState state) => EnumName(state.ToString());

    /// <summary>UNSPECIFIED means the default, so it reads `medium` rather than `-`.</summary>
    public static string Name(RestartPriority priority) =>
        priority == RestartPriority.Unspecified ? "medium" : EnumName(priority.ToString());

    public static string Name(FailureCause cause) => EnumName(cause.ToString());

    public static string Name(FailoverPhase phase) => EnumName(phase.ToString());

    public static string Name(VmFailoverResult result) => EnumName(result.ToString());

    public static string Name(OperationKind kind) => EnumName(kind.ToString());

    public static string Name(OperationState state) => EnumName(state.ToString());

    /// <summary>`PreCopy` → `pre-copy`, `SwitchOver` → `switch-over`.</summary>
    public static string Name(MigrationPhase phase) => EnumName(phase.ToString());

    /// <summary>A host's status, with `(maintenance)` when the operator holds it in maintenance while it reports another status.</summary>
    public static string Status(Host host) =>
        host.Maintenance && host.Status != HostStatus.Maintenance ? $"{Name(host.Status)} (maintenance)" : Name(host.Status);

    /// <summary>Whole MiB, rounded down: `1024` for 1 GiB.</summary>
    public static string Mib(long bytes) => (bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture);

    /// <summary>MiB with one decimal: `12.5` for 12.5 MiB.</summary>
    public static string MibDecimal(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024):0.0}");

    /// <summary>`12.5 ms`: a downtime, to a tenth of a millisecond; `-` when unset.</summary>
    public static string Milliseconds(Google.Protobuf.WellKnownTypes.Duration? duration) =>
        duration is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{duration.ToTimeSpan().TotalMilliseconds:0.0} ms");

    /// <summary>
    /// How far a migration's copy is, 0..1: the share of memory sent in the first pre-copy round, then the share of
    /// memory no longer dirty; 1 once switched over. 0 before pre-copy or without a memory size.
    /// </summary>
    public static double CopyFraction(Operation operation)
    {
        if (operation.Phase >= MigrationPhase.SwitchOver)
            return 1;
        if (operation.Phase != MigrationPhase.PreCopy || operation.MemoryBytes <= 0)
            return 0;
        var fraction = operation.Round <= 1
            ? (double)operation.BytesSent / operation.MemoryBytes
            : 1 - (double)operation.RemainingDirtyBytes / operation.MemoryBytes;
        return Math.Clamp(fraction, 0, 1);
    }

    /// <summary>
    /// One line of a migration's live figures: `pre-copy round 2  812/1024 MiB sent  dirty 12.5 MiB  950.0 MiB/s
    /// throttle 0%`; only the phase before pre-copy has figures.
    /// </summary>
    public static string MigrationFigures(Operation operation)
    {
        if (operation.Round == 0 && operation.BytesSent == 0)
            return Name(operation.Phase);
        return $"{Name(operation.Phase)} round {operation.Round}  {Mib(operation.BytesSent)}/{Mib(operation.MemoryBytes)} MiB sent  "
            + $"dirty {MibDecimal(operation.RemainingDirtyBytes)} MiB  {MibDecimal(operation.BandwidthBytesPerSecond)} MiB/s  "
            + string.Create(CultureInfo.InvariantCulture, $"throttle {operation.ThrottlePercent}%");
    }

    /// <summary>`moved 3/10, failed 1`.</summary>
    public static string DrainFigures(DrainProgress? drain) =>
        drain is null ? "-" : $"moved {drain.Moved}/{drain.Total}, failed {drain.Failed}";

    /// <summary>`moved 1/3, failed 0`: moves done and failed of those planned.</summary>
    public static string RebalanceFigures(RebalanceProgress? rebalance) =>
        rebalance is null ? "-" : $"moved {rebalance.Moved}/{Planned(rebalance)}, failed {rebalance.Failed}";

    /// <summary>Moves in the pass's plan.</summary>
    public static int Planned(RebalanceProgress rebalance) => rebalance.Plan?.Moves.Count ?? 0;

    /// <summary>A cluster imbalance (a standard deviation of host load fractions) to three decimals: `0.125`.</summary>
    public static string Imbalance(double imbalance) => string.Create(CultureInfo.InvariantCulture, $"{imbalance:0.000}");

    /// <summary>`0.300 → 0.080 (target 0.100)`: a plan's imbalance before its first move and after its last.</summary>
    public static string ImbalanceChange(RebalancePlan? plan) =>
        plan is null ? "-" : $"{Imbalance(plan.ImbalanceBefore)} → {Imbalance(plan.ImbalanceAfter)} (target {Imbalance(plan.TargetImbalance)})";

    /// <summary>`off`, `recommend`, `auto`.</summary>
    public static string Name(RebalanceMode mode) => EnumName(mode.ToString());

    /// <summary>`operations/op-1` → `op-1`.</summary>
    public static string OperationId(string name) =>
        name.StartsWith("operations/", StringComparison.Ordinal) ? name["operations/".Length..] : name;

    /// <summary>`VM_STATE_RUNNING` (the key of Cluster.vms_by_state) → `running`.</summary>
    public static string StateKey(string key) =>
        (key.StartsWith("VM_STATE_", StringComparison.Ordinal) ? key["VM_STATE_".Length..] : key).ToLowerInvariant();

    public static string Timestamp(Google.Protobuf.WellKnownTypes.Timestamp? time) =>
        time is null ? "-" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>`Running` → `running`, `MissedHeartbeats` → `missed-heartbeats`, `Unspecified` → `-`.</summary>
    private static string EnumName(string name) =>
        name == "Unspecified" ? "-" : string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));
}
