using System.CommandLine;

namespace HostGrid.Cli;

/// <summary>A repeatable `key=value` option (`--label a=b --label c=d`) parsed into a dictionary.</summary>
internal static class LabelOption
{
    public static Option<Dictionary<string, string>> Create(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "KEY=VALUE",
        Arity = ArgumentArity.ZeroOrMore,
        DefaultValueFactory = _ => [],
        CustomParser = result =>
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var token in result.Tokens)
            {
                var separator = token.Value.IndexOf('=', StringComparison.Ordinal);
                if (separator <= 0)
                {
                    result.AddError($"{name}: expected KEY=VALUE, got '{token.Value}'");
                    return null;
                }
                labels[token.Value[..separator]] = token.Value[(separator + 1)..];
            }
            return labels;
        },
    };
}
