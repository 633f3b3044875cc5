using Microsoft.Extensions.Options;

namespace HostGrid.Core.Rebalancing;

/// <summary>Rejects rebalancer settings that could never move anything, move without bound, or thrash.</summary>
public sealed class RebalancerOptionsValidator : IValidateOptions<RebalancerOptions>
{
    public ValidateOptionsResult Validate(string? name, RebalancerOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"HostGrid:Rebalancer:Mode must be Off, Recommend or Auto (got {options.Mode}).");
        }

        if (options.Aggressiveness is < RebalancerOptions.MinAggressiveness or > RebalancerOptions.MaxAggressiveness)
        {
            failures.Add($"HostGrid:Rebalancer:Aggressiveness must be between 1 and 5 (got {options.Aggressiveness}).");
        }

        if (options.TargetImbalance is { } target && !(target >= 0 && target < 1))
        {
            failures.Add($"HostGrid:Rebalancer:TargetImbalance must be at least 0 and under 1 (got {target}).");
        }

        if (options.MinImprovement is { } min && !(min > 0 && double.IsFinite(min)))
        {
            failures.Add($"HostGrid:Rebalancer:MinImprovement must be positive (got {min}).");
        }

        if (options.MaxMovesPerPass < 1)
        {
            failures.Add($"HostGrid:Rebalancer:MaxMovesPerPass must be at least 1 (got {options.MaxMovesPerPass}).");
        }

        if (options.MaxConcurrentMigrations < 1)
        {
            failures.Add($"HostGrid:Rebalancer:MaxConcurrentMigrations must be at least 1 (got {options.MaxConcurrentMigrations}).");
        }

        if (options.VmCooldown < TimeSpan.Zero)
        {
            failures.Add($"HostGrid:Rebalancer:VmCooldown must not be negative (got {options.VmCooldown}).");
        }

        if (options.SustainedWindow < TimeSpan.Zero)
        {
            failures.Add($"HostGrid:Rebalancer:SustainedWindow must not be negative (got {options.SustainedWindow}).");
        }

        if (!(options.CpuWeight >= 0 && double.IsFinite(options.CpuWeight)))
        {
            failures.Add($"HostGrid:Rebalancer:CpuWeight must be a number at least 0 (got {options.CpuWeight}).");
        }

        if (!(options.MemoryWeight >= 0 && double.IsFinite(options.MemoryWeight)))
        {
            failures.Add($"HostGrid:Rebalancer:MemoryWeight must be a number at least 0 (got {options.MemoryWeight}).");
        }

        if (options.CpuWeight + options.MemoryWeight <= 0)
        {
            failures.Add("HostGrid:Rebalancer:CpuWeight and MemoryWeight must not both be 0.");
        }

        if (!(options.HeadroomFraction >= 0 && options.HeadroomFraction < 1))
        {
            failures.Add($"HostGrid:Rebalancer:HeadroomFraction must be at least 0 and under 1 (got {options.HeadroomFraction}).");
        }

        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"HostGrid:Rebalancer:Interval must be positive (got {options.Interval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
