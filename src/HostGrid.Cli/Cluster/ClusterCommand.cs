using System.CommandLine;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Cluster;

/// <summary>`hostgrid cluster`: totals, guests by state, and every host's load.</summary>
internal static class ClusterCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("cluster", "Show cluster capacity, allocation, VMs by state and host load");
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var cluster = await gateway.Cluster.GetClusterAsync(new GetClusterRequest(), gateway.Call(ct));
            cli.Renderer(parse).WriteCluster(cluster);
        });
        return command;
    }
}
