using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HostGrid.Bench.Reporting;

/// <summary>
/// What one run measured: named figures (null when not measured, with a note saying why), the settings used and the
/// machine. Written as one JSON object (figures at the top level, then <c>settings</c>, <c>machine</c>, <c>notes</c>)
/// and printed as an aligned table.
/// </summary>
internal sealed class BenchResult
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly List<Figure> _figures = [];
    private readonly JsonObject _settings = [];
    private readonly List<string> _notes = [];
    private readonly List<(string Key, JsonArray Rows)> _tables = [];

    public BenchResult(string name) => Name = name;

    public string Name { get; }

    public Machine? Machine { get; set; }

    /// <summary>Whether the benchmark's main figure was measured; decides the exit code.</summary>
    public bool Measured { get; set; }

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>A measured number, rounded to <paramref name="decimals"/> places; null when it was not measured.</summary>
    public void Add(string key, double? value, string unit, int decimals = 2) =>
        _figures.Add(new Figure(key, value is { } v && double.IsFinite(v) ? Math.Round(v, decimals) : null, unit, decimals));

    public void Add(string key, long? value, string unit = "") => _figures.Add(new Figure(key, value, unit, 0));

    public void Setting(string key, JsonNode? value) => _settings[key] = value;

    /// <summary>Rows of figures (one JSON object each, same keys), written under <paramref name="key"/> and printed as a table.</summary>
    public void Table(string key, JsonArray rows) => _tables.Add((key, rows));

    public void Note(string text) => _notes.Add(text);

    public double? Get(string key) => _figures.FirstOrDefault(f => f.Key == key)?.Value;

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["benchmark"] = Name };
        foreach (var f in _figures)
        {
            json[f.Key] = f.Value is not { } v ? null
                : f.Decimals == 0 ? JsonValue.Create((long)v)
                : JsonValue.Create(v);
        }

        foreach (var (key, rows) in _tables)
        {
            json[key] = rows.DeepClone();
        }

        json["settings"] = _settings.DeepClone();
        json["machine"] = Machine?.ToJson();
        json["notes"] = new JsonArray(_notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
        return json;
    }

    public async Task WriteJsonAsync(string path, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, ToJson().ToJsonString(Indented) + "\n", cancellationToken);
    }

    public void WriteTable(TextWriter output)
    {
        var width = _figures.Count == 0 ? 0 : _figures.Max(f => f.Key.Length);
        output.WriteLine();
        output.WriteLine($"== {Name}");
        foreach (var f in _figures)
        {
            var value = f.Value is not { } v ? "null" : v.ToString("F" + f.Decimals, CultureInfo.InvariantCulture);
            output.WriteLine($"  {f.Key.PadRight(width)}  {value,12} {f.Unit}".TrimEnd());
        }

        foreach (var (key, rows) in _tables)
        {
            WriteRows(output, key, rows);
        }

        output.WriteLine("settings: " + string.Join(", ", _settings.Select(s => $"{s.Key}={s.Value?.ToJsonString() ?? "null"}")));
        if (Machine is { } m)
        {
            output.WriteLine($"machine:  {m.Cores} cores, dotnet {m.DotnetVersion ?? "?"}, {m.Os}");
        }

        foreach (var note in _notes)
        {
            output.WriteLine("note: " + note);
        }
    }

    private static void WriteRows(TextWriter output, string key, JsonArray rows)
    {
        var columns = rows.OfType<JsonObject>().SelectMany(r => r.Select(p => p.Key)).Distinct().ToList();
        var cells = rows.OfType<JsonObject>().Select(r => columns.Select(c => r[c]?.ToJsonString() ?? "null").ToList()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToList();
        output.WriteLine($"  {key}:");
        output.WriteLine("    " + string.Join("  ", columns.Select((c, i) => c.PadLeft(widths[i]))));
        foreach (var row in cells)
        {
            output.WriteLine("    " + string.Join("  ", row.Select((v, i) => v.PadLeft(widths[i]))));
        }
    }

    private sealed record Figure(string Key, double? Value, string Unit, int Decimals);
}
