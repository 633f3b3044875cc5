using System.CommandLine;
using HostGrid.Cli.Cluster;
using HostGrid.Cli.Failovers;
using HostGrid.Cli.Hosts;
using HostGrid.Cli.Operations;
using HostGrid.Cli.Rebalance;
using HostGrid.Cli.Vms;

namespace HostGrid.Cli;

/// <summary>The `hostgrid` command tree; <see cref="CliApp"/> parses, runs and maps errors to exit codes.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => CliApp.RunAsync(args, Console.Out, Console.Error);

    internal static RootCommand CreateRootCommand(CliContext cli) => new(CliApp.Description)
    {
        cli.Options.Gateway,
        cli.Options.Json,
        cli.Options.Timeout,
        ClusterCommand.Create(cli),   // cluster
        HostsCommand.Create(cli),     // hosts list | get | drain | undrain
        VmsCommand.Create(cli),       // vms create | get | list | start | stop | delete | migrate
        FailoversCommand.Create(cli), // failovers list | get
        OpsCommand.Create(cli),       // ops list | get | cancel
        RebalanceCommand.Create(cli), // rebalance --dry-run | --apply | status | mode
    };
}
