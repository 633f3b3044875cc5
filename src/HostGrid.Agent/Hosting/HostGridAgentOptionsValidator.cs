using HostGrid.Core.Validation;
using Microsoft.Extensions.Options;

namespace HostGrid.Agent.Hosting;

public sealed class HostGridAgentOptionsValidator : IValidateOptions<HostGridAgentOptions>
{
    public ValidateOptionsResult Validate(string? name, HostGridAgentOptions options)
    {
        var failures = new List<string>();
        const string section = HostGridAgentOptions.SectionName;
        if (options.Hosts.Count == 0)
        {
            failures.Add($"{section}:Hosts must name at least one host (e.g. {section}:Hosts:0:Id=hv-1 with Vcpus, MemoryMib, DiskGib).");
        }

        for (var i = 0; i < options.Hosts.Count; i++)
        {
            var host = options.Hosts[i];
            var at = $"{section}:Hosts:{i}";
            if (ResourceNames.Problem(host.Id) is { } problem)
            {
                failures.Add($"{at}:Id {problem}.");
            }

            if (host.Vcpus < 1)
            {
                failures.Add($"{at}:Vcpus must be at least 1 (got {host.Vcpus}).");
            }

            if (host.MemoryMib < VmSpecValidator.MinMemoryMib)
            {
                failures.Add($"{at}:MemoryMib must be at least {VmSpecValidator.MinMemoryMib} (got {host.MemoryMib}).");
            }

            if (host.DiskGib < 1)
            {
                failures.Add($"{at}:DiskGib must be at least 1 (got {host.DiskGib}).");
            }
        }

        foreach (var duplicate in options.Hosts.GroupBy(h => h.Id).Where(g => g.Count() > 1))
        {
            failures.Add($"{section}:Hosts names host '{duplicate.Key}' more than once.");
        }

        CheckPort(options.SiloPort, $"{section}:SiloPort", failures);
        CheckPort(options.GatewayPort, $"{section}:GatewayPort", failures);
        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{section}:SiloPort and GatewayPort must differ (both {options.SiloPort}).");
        }

        if (!System.Net.IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add($"{section}:AdvertisedAddress must be an IP address (got '{options.AdvertisedAddress}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPort(int port, string key, List<string> failures)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{key} must be a port between 1 and 65535 (got {port}).");
        }
    }
}
