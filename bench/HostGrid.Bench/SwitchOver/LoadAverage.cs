using System.Globalization;
using System.Text.Json.Nodes;

namespace HostGrid.Bench.SwitchOver;

/// <summary>The machine's 1, 5 and 15 minute load averages: switch-over times on a shared machine only compare with them beside.</summary>
internal static class LoadAverage
{
    /// <summary><c>[1, 5, 15]</c> from <c>/proc/loadavg</c>, or null where there is none (not Linux).</summary>
    public static JsonArray? Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var values = fields.Take(3).Select(f => double.Parse(f, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)).ToArray();
            return values.Length == 3 ? new JsonArray(values.Select(v => (JsonNode?)v).ToArray()) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
