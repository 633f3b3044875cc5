using System.CommandLine;
using HostGrid.Api.V1;
using HostGrid.Cli.Operations;

namespace HostGrid.Cli.Rebalance;

/// <summary>
/// `hostgrid rebalance --dry-run | --apply [--no-wait] [--wait-timeout S]`, `hostgrid rebalance status` and
/// `hostgrid rebalance mode off|recommend|auto`: the cluster's load balancer.
/// </summary>
internal static class RebalanceCommand
{
    public static Command Create(CliContext cli)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the moves that would even out host load now; move nothing" };
        var apply = new Option<bool>("--apply") { Description = "Plan and run the moves, following them to the end" };
        var follow = new FollowOptions();
        var command = new Command("rebalance", "Even out host load by live-migrating VMs: show the plan (--dry-run) or run it (--apply)")
        {
            dryRun,
            apply,
            Status(cli),
            Mode(cli),
        };
        follow.AddTo(command);
        // Validators run only for the command invoked, so `rebalance status` is not asked for either flag.
        command.Validators.Add(result =>
        {
            if (result.GetValue(dryRun) == result.GetValue(apply))
                result.AddError("rebalance: give one of --dry-run (show the plan) or --apply (run it), or a subcommand (status, mode)");
        });
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            if (parse.GetValue(dryRun))
            {
                cli.Renderer(parse).WriteRebalancePlan(await gateway.Rebalance.PlanRebalanceAsync(new PlanRebalanceRequest(), gateway.Call(ct)));
                return ExitCodes.Ok;
            }

            var started = await gateway.Rebalance.ApplyRebalanceAsync(new ApplyRebalanceRequest(), gateway.Call(ct));
            if (!follow.Follows(cli, parse))
            {
                cli.Renderer(parse).WriteOperation(started);
                return ExitCodes.Ok;
            }

            return await follow.FollowAsync(cli, parse, gateway, started, ct);
        });
        return command;
    }

    private static Command Status(CliContext cli)
    {
        var command = new Command("status", "Show the rebalancer: mode, imbalance against the target, the pass running, its recommendation");
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            cli.Renderer(parse).WriteRebalancer(await gateway.Rebalance.GetRebalancerAsync(new GetRebalancerRequest(), gateway.Call(ct)));
        });
        return command;
    }

    private static Command Mode(CliContext cli)
    {
        var mode = EnumArgument.Create<RebalanceMode>(
            "MODE", "off: never on its own; recommend: plan while load stays uneven and show the plan (status); auto: plan and apply");
        var command = new Command("mode", "Set what the rebalancer does on its own (persisted; --dry-run and --apply work in every mode)") { mode };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var request = new SetRebalancerModeRequest { Mode = parse.GetValue(mode) };
            cli.Renderer(parse).WriteRebalancer(await gateway.Rebalance.SetRebalancerModeAsync(request, gateway.Call(ct)));
        });
        return command;
    }
}
