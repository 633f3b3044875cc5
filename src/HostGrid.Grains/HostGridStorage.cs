namespace HostGrid.Grains;

/// <summary>Names of the grain storage providers HostGrid's grains use.</summary>
public static class HostGridStorage
{
    /// <summary>The grain storage provider for HostGrid's records (PostgreSQL in a deployment).</summary>
    public const string ProviderName = "hostgrid";
}
