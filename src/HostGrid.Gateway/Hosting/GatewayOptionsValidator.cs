using System.Net;
using Microsoft.Extensions.Options;

namespace HostGrid.Gateway.Hosting;

public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.Address, out _))
        {
            failures.Add($"{GatewayOptions.SectionName}:Address must be an IP address (got '{options.Address}').");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{GatewayOptions.SectionName}:Port must be between 1 and 65535 (got {options.Port}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
