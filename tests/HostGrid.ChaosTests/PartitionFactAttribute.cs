namespace HostGrid.ChaosTests;

/// <summary>
/// A test that cuts an agent off the network: skipped where no partition can be made (not root, no nftables), except
/// under CI (CI=true), where it runs and fails, so a green CI run has shown the partition.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PartitionFactAttribute : FactAttribute
{
    public PartitionFactAttribute()
    {
        if (NetworkPartition.Unavailable() is { } reason && !PartitionClusterFixture.Required)
        {
            Skip = reason;
        }
    }
}
