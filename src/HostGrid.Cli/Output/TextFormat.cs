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
        var age = TimeSpan.FromSeconds(seconds);
        return age.TotalHours < 1 ? $"{age.Minutes}m{age.Seconds:00}s ago"
            : age.TotalDays < 1 ? $"{age.Hours}h{age.Minutes:00}m ago"
            : $"{(int)age.TotalDays}d{age.Hours:00}h ago";
    }

    /// <summary>`k=v,k2=v2` sorted by key, or `-` when empty.</summary>
    public static string Labels(IDictionary<string, string> labels) =>
        labels.Count == 0 ? "-" : string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    public static string Name(HostStatus status) => EnumName(status.ToString());

    public static string Name(VmState state) => EnumName(state.ToString());

    /// <summary>`VM_STATE_RUNNING` (the key of Cluster.vms_by_state) → `running`.</summary>
    public static string StateKey(string key) =>
        (key.StartsWith("VM_STATE_", StringComparison.Ordinal) ? key["VM_STATE_".Length..] : key).ToLowerInvariant();

    public static string Timestamp(Google.Protobuf.WellKnownTypes.Timestamp? time) =>
        time is null ? "-" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string EnumName(string name) => name == "Unspecified" ? "-" : name.ToLowerInvariant();
}
