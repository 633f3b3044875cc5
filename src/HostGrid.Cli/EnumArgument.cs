using System.CommandLine;

namespace HostGrid.Cli;

/// <summary>A required argument taking a protobuf enum by its lower-case name (`off`, `auto`), as <see cref="EnumOption"/> does for options.</summary>
internal static class EnumArgument
{
    public static Argument<TEnum> Create<TEnum>(string name, string description)
        where TEnum : struct, Enum
    {
        var names = EnumOption.Names<TEnum>();
        var argument = new Argument<TEnum>(name)
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
        argument.CompletionSources.Add(names);
        return argument;
    }
}
