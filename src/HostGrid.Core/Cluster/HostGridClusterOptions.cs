namespace HostGrid.Core.Cluster;

/// <summary>Which cluster a process joins and where its state lives; bound from <c>HostGrid:Cluster</c> in agents and gateways alike.</summary>
public sealed class HostGridClusterOptions
{
    public const string SectionName = "HostGrid:Cluster";
    public const string DefaultClusterId = "hostgrid";
    public const string DefaultServiceId = "hostgrid";

    /// <summary>Orleans cluster id: processes with the same id form one cluster.</summary>
    /// <value>Default <c>hostgrid</c>.</value>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>Orleans service id: scopes grain state and reminders; keep it stable across deployments.</summary>
    /// <value>Default <c>hostgrid</c>.</value>
    public string ServiceId { get; set; } = DefaultServiceId;

    /// <summary>Npgsql connection string of the PostgreSQL database holding membership, grain state and reminders.</summary>
    /// <value>Required.</value>
    public string ConnectionString { get; set; } = "";
}
