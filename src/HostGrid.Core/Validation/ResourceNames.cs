using System.Text.RegularExpressions;

namespace HostGrid.Core.Validation;

/// <summary>Rules for the ids users choose: DNS labels, so they are safe in resource names, logs and file names.</summary>
public static partial class ResourceNames
{
    public const int MaxLength = 63;

    [GeneratedRegex(@"^[a-z]([a-z0-9-]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    /// <summary>Null when <paramref name="value"/> is a valid id; otherwise what is wrong with it.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "must not be empty";
        }

        if (value.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters (got {value.Length})";
        }

        return DnsLabel().IsMatch(value)
            ? null
            : $"'{Printable(value)}' must be a DNS label: lower-case letters, digits and '-', starting with a letter and not ending with '-'";
    }

    /// <summary>Accepts <c>vms/web-1</c> or <c>web-1</c> for collection <c>vms</c>; returns the id part.</summary>
    public static string StripCollection(string? name, string collection)
    {
        var prefix = collection + "/";
        return name is not null && name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name ?? "";
    }

    private static string Printable(string value) =>
        new(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
