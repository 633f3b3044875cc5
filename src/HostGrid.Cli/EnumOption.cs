using System.CommandLine;

namespace HostGrid.Cli;

/// <summary>An option taking a protobuf enum by its lower-case name (`running`, `up`); absent means unspecified.</summary>
internal static class EnumOption
{
    public static Option<TEnum> Create<TEnum>(string name, string description)
        where TEnum : struct, Enum
    {
        var names = Names<TEnum>();
        var option = new Option<TEnum>(name)
        {
            Description = description,
            HelpName = string.Join('|', names),
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (names.Contains(text, StringComparer.OrdinalIgnoreCase))
                    return Enum.Parse<TEnum>(text, ignoreCase: true);
                result.AddError($"{name}: expected one of {string.Join(", ", names)}, got '{text}'");
                return default;
            },
        };
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>Every value but the zero `Unspecified`, as typed on the command line.</summary>
    public static string[] Names<TEnum>()
        where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>().Where(v => Convert.ToInt32(v, null) != 0).Select(v => v.ToString().ToLowerInvariant())];
}
