using System.CommandLine;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Hosts;

/// <summary>`hostgrid hosts list | get`.</summary>
internal static class HostsCommand
{
    public static Command Create(CliContext cli) => new("hosts", "Hypervisor servers")
    {
        List(cli),
        Get(cli),
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
}
