using Microsoft.Extensions.Options;

namespace HostGrid.Core.Migration;

/// <summary>Rejects migration settings that could never switch over or never finish.</summary>
public sealed class MigrationOptionsValidator : IValidateOptions<MigrationOptions>
{
    public ValidateOptionsResult Validate(string? name, MigrationOptions options)
    {
        var failures = new List<string>();
        if (options.MaxDowntime <= TimeSpan.Zero)
        {
            failures.Add($"HostGrid:Migration:MaxDowntime must be positive (got {options.MaxDowntime}).");
        }

        if (options.MaxRounds < 1)
        {
            failures.Add($"HostGrid:Migration:MaxRounds must be at least 1 (got {options.MaxRounds}).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"HostGrid:Migration:Timeout must be positive (got {options.Timeout}).");
        }

        if (options.ThrottleInitialPercent is < 1 or > 99)
        {
            failures.Add($"HostGrid:Migration:ThrottleInitialPercent must be between 1 and 99 (got {options.ThrottleInitialPercent}).");
        }

        if (options.ThrottleIncrementPercent is < 1 or > 99)
        {
            failures.Add($"HostGrid:Migration:ThrottleIncrementPercent must be between 1 and 99 (got {options.ThrottleIncrementPercent}).");
        }

        if (options.ThrottleMaxPercent < options.ThrottleInitialPercent || options.ThrottleMaxPercent > 99)
        {
            failures.Add($"HostGrid:Migration:ThrottleMaxPercent must be between ThrottleInitialPercent and 99 (got {options.ThrottleMaxPercent}).");
        }

        if (options.DrainParallelism < 1)
        {
            failures.Add($"HostGrid:Migration:DrainParallelism must be at least 1 (got {options.DrainParallelism}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
