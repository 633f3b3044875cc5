using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace HostGrid.Cli;

/// <summary>An option taking a number greater than zero; a bad value is a usage error naming the option.</summary>
internal static class NumberOption
{
    public static Option<T> Positive<T>(string name, string description, string helpName)
        where T : struct, INumber<T> => new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (T.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value > T.Zero)
                    return value;
                result.AddError($"{name}: expected a number greater than 0, got '{text}'");
                return default;
            },
        };
}
