using System.CommandLine;
using HostGrid.Api.V1;
using HostGrid.Cli.Operations;

namespace HostGrid.Cli.Hosts;

/// <summary>`hostgrid hosts list | get | drain | undrain`.</summary>
internal static class HostsCommand
{
    public static Command Create(CliContext cli) => new("hosts", "Hypervisor servers")
    {
        List(cli),
        Get(cli),
        Drain(cli),
        Undrain(cli),
    };

    private static Command List(CliContext cli)
    {
        var status = EnumOption.Create<HostStatus>("--status", "Only hosts in this status");
        var labels = LabelOption.Create("--label", "Only hosts carrying this label (repeatable; all must match)");
        var command = new Command("list", "List hosts (all pages)") { status, labels };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var request = new ListHostsRequest { Status = parse.GetValue(status) };
            request.Labels.Add(parse.GetRequiredValue(labels));
            cli.Renderer(parse).WriteHosts(await gateway.ListAllHostsAsync(request, ct));
        });
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var name = new Argument<string>("HOST") { Description = "Host id or `hosts/{id}`" };
        var command = new Command("get", "Show one host and the VMs on it") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var host = await gateway.Hosts.GetHostAsync(new GetHostRequest { Name = parse.GetRequiredValue(name) }, gateway.Call(ct));
            var vms = await gateway.ListAllVmsAsync(new ListVmsRequest { HostId = host.HostId }, ct);
            cli.Renderer(parse).WriteHost(host, vms);
        });
        return command;
    }

    /// <summary>Enters maintenance and follows the drain until every guest has moved off (or failed to).</summary>
    private static Command Drain(CliContext cli)
    {
        var name = new Argument<string>("HOST") { Description = "Host id or `hosts/{id}`" };
        var follow = new FollowOptions();
        var command = new Command("drain", "Put a host in maintenance and live-migrate every VM off it ('hosts undrain' ends maintenance)") { name };
        follow.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var request = new SetHostMaintenanceRequest { Name = parse.GetRequiredValue(name), Action = MaintenanceAction.Enter };
            var response = await gateway.Hosts.SetHostMaintenanceAsync(request, gateway.Call(ct));
            if (!follow.Follows(cli, parse) || response.Drain is null)
            {
                cli.Renderer(parse).WriteMaintenance(response);
                return ExitCodes.Ok;
            }

            return await follow.FollowAsync(cli, parse, gateway, response.Drain, ct);
        });
        return command;
    }

    private static Command Undrain(CliContext cli)
    {
        var name = new Argument<string>("HOST") { Description = "Host id or `hosts/{id}`" };
        var command = new Command("undrain", "End a host's maintenance (cancelling a running drain): it takes new VMs again") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var request = new SetHostMaintenanceRequest { Name = parse.GetRequiredValue(name), Action = MaintenanceAction.Exit };
            cli.Renderer(parse).WriteMaintenance(await gateway.Hosts.SetHostMaintenanceAsync(request, gateway.Call(ct)));
        });
        return command;
    }
}
