using System.CommandLine;
using System.CommandLine.Parsing;

namespace HostGrid.Cli;

/// <summary>Options every command accepts: where the gateway is, how to print, how long to wait.</summary>
internal sealed class GlobalOptions
{
    public const string GatewayEnvironmentVariable = "HOSTGRID_GATEWAY";
    public const string DefaultGateway = "http://127.0.0.1:5080";
    public const double DefaultTimeoutSeconds = 30;

    public Option<Uri> Gateway { get; } = new("--gateway")
    {
        Description = $"Gateway address, plaintext HTTP/2 for http:// (default: ${GatewayEnvironmentVariable}, else {DefaultGateway})",
        HelpName = "URL",
        Recursive = true,
        CustomParser = ParseGateway,
        DefaultValueFactory = ParseGateway,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print protobuf JSON: an object for one resource, an array for a list",
        Recursive = true,
    };

    public Option<double> Timeout { get; } = NumberOption.Positive<double>("--timeout", "Deadline in seconds for the command's gateway calls", "SECONDS");

    public GlobalOptions()
    {
        Timeout.Recursive = true;
        Timeout.DefaultValueFactory = _ => DefaultTimeoutSeconds;
    }

    /// <summary>The gateway used when `--gateway` is not given: the environment's, else the local default.</summary>
    public static string ResolveDefaultGateway(string? environmentValue) =>
        string.IsNullOrWhiteSpace(environmentValue) ? DefaultGateway : environmentValue.Trim();

    private static Uri ParseGateway(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0
            ? result.Tokens[0].Value
            : ResolveDefaultGateway(Environment.GetEnvironmentVariable(GatewayEnvironmentVariable));
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return uri;
        result.AddError($"--gateway: expected an http:// or https:// URL, got '{text}'");
        return null!; // ignored: the parse now has an error
    }
}
