using System.Net;
using Microsoft.Extensions.Options;

namespace HostGrid.Hypervisor.Simulated;

/// <summary>Rejects simulated-hypervisor settings that would make guests or migrations misbehave, naming the setting.</summary>
public sealed class SimulatedHypervisorOptionsValidator : IValidateOptions<SimulatedHypervisorOptions>
{
    private const string Section = SimulatedHypervisorOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SimulatedHypervisorOptions options)
    {
        var failures = new List<string>();
        if (options.StartLatency < TimeSpan.Zero)
        {
            failures.Add($"{Section}:StartLatency must not be negative (got {options.StartLatency}).");
        }

        if (!double.IsFinite(options.DirtyRateMibPerSecond) || options.DirtyRateMibPerSecond < 0)
        {
            failures.Add($"{Section}:DirtyRateMibPerSecond must be 0 or more (got {options.DirtyRateMibPerSecond}).");
        }

        if (options.HotSetFraction is not (> 0 and <= 1))
        {
            failures.Add($"{Section}:HotSetFraction must be above 0 and at most 1 (got {options.HotSetFraction}).");
        }

        if (options.HotWriteFraction is not (>= 0 and <= 1))
        {
            failures.Add($"{Section}:HotWriteFraction must be from 0 to 1 (got {options.HotWriteFraction}).");
        }

        if (!IPAddress.TryParse(options.MigrationListenAddress, out _))
        {
            failures.Add($"{Section}:MigrationListenAddress must be an IP address (got '{options.MigrationListenAddress}').");
        }

        if (!double.IsFinite(options.MigrationBandwidthLimitMibPerSecond) || options.MigrationBandwidthLimitMibPerSecond < 0)
        {
            failures.Add($"{Section}:MigrationBandwidthLimitMibPerSecond must be 0 (unlimited) or more (got {options.MigrationBandwidthLimitMibPerSecond}).");
        }

        if (options.MigrationRoundDelay < TimeSpan.Zero)
        {
            failures.Add($"{Section}:MigrationRoundDelay must not be negative (got {options.MigrationRoundDelay}).");
        }

        if (options.MigrationSwitchOverDelay < TimeSpan.Zero)
        {
            failures.Add($"{Section}:MigrationSwitchOverDelay must not be negative (got {options.MigrationSwitchOverDelay}).");
        }

        if (options.MigrationFramePages is < 1 or > 4096)
        {
            failures.Add($"{Section}:MigrationFramePages must be from 1 to 4096 (got {options.MigrationFramePages}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
