using Microsoft.Extensions.Options;

namespace HostGrid.Core.Failover;

/// <summary>Rejects failover settings that could never detect a failure or would fence healthy hosts.</summary>
public sealed class FailoverOptionsValidator : IValidateOptions<FailoverOptions>
{
    public ValidateOptionsResult Validate(string? name, FailoverOptions options)
    {
        var failures = new List<string>();
        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add($"HostGrid:Failover:HeartbeatInterval must be positive (got {options.HeartbeatInterval}).");
        }

        if (options.MissedHeartbeats < 1)
        {
            failures.Add($"HostGrid:Failover:MissedHeartbeats must be at least 1 (got {options.MissedHeartbeats}).");
        }

        if (options.IsolationTimeout < options.HeartbeatInterval * 2)
        {
            failures.Add($"HostGrid:Failover:IsolationTimeout ({options.IsolationTimeout}) must be at least two heartbeat intervals ({options.HeartbeatInterval * 2}).");
        }

        if (options.FenceMargin < TimeSpan.Zero)
        {
            failures.Add($"HostGrid:Failover:FenceMargin must not be negative (got {options.FenceMargin}).");
        }

        if (options.RestartParallelism < 1)
        {
            failures.Add($"HostGrid:Failover:RestartParallelism must be at least 1 (got {options.RestartParallelism}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
