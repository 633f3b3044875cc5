using System.Globalization;

namespace HostGrid.Bench;

/// <summary>
/// <c>--name value</c> / <c>--name=value</c> options after the benchmark name. Each read marks the option used, so an
/// unknown or misspelt option is reported by <see cref="EnsureAllUsed"/> instead of being silently ignored.
/// </summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string?> _values;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private BenchArguments(Dictionary<string, string?> values) => _values = values;

    public static BenchArguments Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}' (options look like --name value)");
            }

            string name;
            string? value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[2..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                name = arg[2..];
                value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            }

            if (!values.TryAdd(name, value))
            {
                throw new UsageException($"--{name} given twice");
            }
        }

        return new BenchArguments(values);
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        if (!_values.TryGetValue(name, out var value))
        {
            return false;
        }

        return value is null ? true : throw new UsageException($"--{name} takes no value (got '{value}')");
    }

    public string? String(string name, string? fallback)
    {
        _used.Add(name);
        if (!_values.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return string.IsNullOrEmpty(value) ? throw new UsageException($"--{name} needs a value") : value;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var text = String(name, null);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a whole number from {min} to {max} (got '{text}')");
    }

    /// <summary>A comma-separated list of whole numbers, each from <paramref name="min"/> to <paramref name="max"/>; at least one.</summary>
    public List<int> IntList(string name, string fallback, int min, int max)
    {
        var text = String(name, null) ?? fallback;
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw new UsageException($"--{name} takes whole numbers from {min} to {max}, comma-separated (got '{text}')");
            }

            values.Add(value);
        }

        return values.Count > 0 ? values : throw new UsageException($"--{name} needs at least one value");
    }

    public TimeSpan Seconds(string name, double fallback, double min, double max)
    {
        var text = String(name, null);
        if (text is null)
        {
            return TimeSpan.FromSeconds(fallback);
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? TimeSpan.FromSeconds(value)
            : throw new UsageException($"--{name} must be a number of seconds from {min} to {max} (got '{text}')");
    }

    public Uri Url(string name, string fallback)
    {
        var text = String(name, null) ?? fallback;
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new UsageException($"--{name} must be an http:// or https:// URL (got '{text}')");
    }

    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException("unknown option " + string.Join(", ", unknown.Select(k => "--" + k)));
        }
    }
}
