using System.CommandLine;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Operations;

/// <summary>`hostgrid ops list | get | cancel`: live migrations, host drains and rebalance passes.</summary>
internal static class OpsCommand
{
    public static Command Create(CliContext cli) => new("ops", "Long-running operations: live migrations, host drains and rebalance passes")
    {
        List(cli),
        Get(cli),
        Cancel(cli),
    };

    private static Argument<string> NameArgument() => new("OPERATION") { Description = "Operation id or `operations/{id}`" };

    private static Command List(CliContext cli)
    {
        var state = EnumOption.Create<OperationState>("--state", "Only operations in this state");
        var kind = EnumOption.Create<OperationKind>("--kind", "Only operations of this kind");
        var vm = new Option<string>("--vm") { Description = "Only migrations of this VM", HelpName = "VM" };
        var host = new Option<string>("--host") { Description = "Only operations from, to or draining this host", HelpName = "HOST" };
        var command = new Command("list", "List recent operations, newest first (all pages)") { state, kind, vm, host };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var request = new ListOperationsRequest
            {
                State = parse.GetValue(state),
                Kind = parse.GetValue(kind),
                VmId = parse.GetValue(vm) ?? "",
                HostId = parse.GetValue(host) ?? "",
            };
            cli.Renderer(parse).WriteOperations(await gateway.ListAllOperationsAsync(request, ct));
        });
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var name = NameArgument();
        var command = new Command("get", "Show one operation with its phase, figures and (for a drain) its migrations") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var operation = await gateway.Operations.GetOperationAsync(new GetOperationRequest { Name = parse.GetRequiredValue(name) }, gateway.Call(ct));
            cli.Renderer(parse).WriteOperation(operation);
        });
        return command;
    }

    private static Command Cancel(CliContext cli)
    {
        var name = NameArgument();
        var command = new Command(
            "cancel", "Stop an operation: a migration not yet committed rolls back to its source; a drain starts no more migrations") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var gateway = cli.Connect(parse);
            var operation = await gateway.Operations.CancelOperationAsync(new CancelOperationRequest { Name = parse.GetRequiredValue(name) }, gateway.Call(ct));
            cli.Renderer(parse).WriteOperation(operation);
        });
        return command;
    }
}
