using Microsoft.Extensions.Options;

namespace HostGrid.Core.Cluster;

public sealed class HostGridClusterOptionsValidator : IValidateOptions<HostGridClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, HostGridClusterOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("HostGrid:Cluster:ConnectionString is required (an Npgsql connection string; `scripts/pg.sh url` prints the local one).");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("HostGrid:Cluster:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("HostGrid:Cluster:ServiceId must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
