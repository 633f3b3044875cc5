using System.CommandLine;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Vms;

/// <summary>`hostgrid vms create | get | list | start | stop | delete | migrate`.</summary>
internal static class VmsCommand
{
    public static Command Create(CliContext cli) => new("vms", "Guests (virtual machines)")
    {
        VmCreateCommand.Create(cli),
        Get(cli),
        List(cli),
        Lifecycle(cli, "start", "Start a stopped VM", (g, name, options) => g.Vms.StartVmAsync(new StartVmRequest { Name = name }, options).ResponseAsync),
        Lifecycle(cli, "stop", "Stop a running VM", (g, name, options) => g.Vms.StopVmAsync(new StopVmRequest { Name = name }, options).ResponseAsync),
        Delete(cli),
        VmMigrateCommand.Create(cli),
    };

    private static Argument<string> NameArgument() => new("NAME") { Description = "VM id or `vms/{id}`" };

    private static Command Get(CliContext cli) =>
        Lifecycle(cli, "get", "Show one VM", (g, name, options) => g.Vms.GetVmAsync(new GetVmRequest { Name = name }, options).ResponseAsync);

    private static Command List(CliContext cli)
    {
        var host = new Option<string>("--host") { Description = "Only VMs on this host", HelpName = "HOST" };
        var state = EnumOption.Create<VmState>("--state", "Only VMs in this state");
        var labels = LabelOption.Create("--label", "Only VMs carrying this label (repeatable; all must match)");
        var command = new Command("list", "List VMs (all pages)") { host, state, labels };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var request = new ListVmsRequest { HostId = parse.GetValue(host) ?? "", State = parse.GetValue(state) };
            request.Labels.Add(parse.GetRequiredValue(labels));
            cli.Renderer(parse).WriteVms(await gateway.ListAllVmsAsync(request, ct));
        });
        return command;
    }

    /// <summary>A command that sends one VM name and prints the VM it gets back.</summary>
    private static Command Lifecycle(CliContext cli, string verb, string description, Func<GatewayConnection, string, Grpc.Core.CallOptions, Task<Vm>> call)
    {
        var name = NameArgument();
        var command = new Command(verb, description) { name };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            cli.Renderer(parse).WriteVm(await call(gateway, parse.GetRequiredValue(name), gateway.Call(ct)));
        });
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var name = NameArgument();
        var command = new Command("delete", "Stop a VM, release its capacity and remove it") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            await gateway.Vms.DeleteVmAsync(new DeleteVmRequest { Name = parse.GetRequiredValue(name) }, gateway.Call(ct));
            cli.Renderer(parse).WriteDeleted(parse.GetRequiredValue(name));
        });
        return command;
    }
}
