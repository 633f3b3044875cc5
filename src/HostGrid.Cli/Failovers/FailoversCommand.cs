using System.CommandLine;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Failovers;

/// <summary>`hostgrid failovers list | get`: what the cluster did when hosts died.</summary>
internal static class FailoversCommand
{
    public static Command Create(CliContext cli) => new("failovers", "Host failovers: guests of dead hosts restarted on survivors")
    {
        List(cli),
        Get(cli),
    };

    private static Command List(CliContext cli)
    {
        var host = new Option<string>("--host") { Description = "Only failovers of this host", HelpName = "HOST" };
        var command = new Command("list", "List recent failovers, newest first (all pages)") { host };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var request = new ListFailoversRequest { HostId = parse.GetValue(host) ?? "" };
            cli.Renderer(parse).WriteFailovers(await gateway.ListAllFailoversAsync(request, ct));
        });
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var name = new Argument<string>("FAILOVER") { Description = "Failover id or `failovers/{id}`" };
        var command = new Command("get", "Show one failover and what it did with each VM") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var failover = await gateway.Failovers.GetFailoverAsync(new GetFailoverRequest { Name = parse.GetRequiredValue(name) }, gateway.Call(ct));
            cli.Renderer(parse).WriteFailover(failover);
        });
        return command;
    }
}
