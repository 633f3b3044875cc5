using System.CommandLine;
using HostGrid.Api.V1;
using HostGrid.Cli.Operations;

namespace HostGrid.Cli.Vms;

/// <summary>`hostgrid vms migrate NAME [--to HOST] [--no-wait]`: starts a live migration and follows it to the end.</summary>
internal static class VmMigrateCommand
{
    public static Command Create(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = "VM id or `vms/{id}`" };
        var target = new Option<string>("--to") { Description = "Move to this host (default: the scheduler picks one)", HelpName = "HOST" };
        var follow = new FollowOptions();
        var command = new Command("migrate", "Live-migrate a VM to another host and show its progress") { name, target };
        follow.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var request = new MigrateVmRequest { Name = parse.GetRequiredValue(name), TargetHostId = parse.GetValue(target) ?? "" };
            var started = await gateway.Vms.MigrateVmAsync(request, gateway.Call(ct));
            if (!follow.Follows(cli, parse))
            {
                cli.Renderer(parse).WriteOperation(started);
                return ExitCodes.Ok;
            }

            return await follow.FollowAsync(cli, parse, gateway, started, ct);
        });
        return command;
    }
}
