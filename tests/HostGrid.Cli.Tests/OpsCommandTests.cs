using System.Text.Json;
using Grpc.Core;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Tests;

public sealed class OpsCommandTests
{
    private static readonly DateTimeOffset Now = Samples.OperationCreated.AddMinutes(2);

    [Fact]
    public async Task OpsList_Filters_SentInTheRequest()
    {
        var gateway = new FakeGateway().On<ListOperationsRequest>("ListOperations", _ => new ListOperationsResponse());

        await CliRun.RunAsync(gateway, "ops", "list", "--state", "failed", "--kind", "migrate", "--vm", "web-1", "--host", "hv-1");

        var request = gateway.Request<ListOperationsRequest>();
        Assert.Equal((OperationState.Failed, OperationKind.Migrate, "web-1", "hv-1"), (request.State, request.Kind, request.VmId, request.HostId));
        Assert.Equal(GatewayConnection.PageSize, request.PageSize);
    }

    [Fact]
    public async Task OpsList_Table_OneRowPerOperationWithPhaseProgressAndDuration()
    {
        var gateway = new FakeGateway().On<ListOperationsRequest>("ListOperations", _ => new ListOperationsResponse
        {
            Operations = { Samples.Migration("op-2", MigrationPhase.PreCopy, 2), Samples.Drain(moved: 1, migrations: "op-1"), Samples.Migrated("op-1") },
        });

        var run = await CliRun.RunAtAsync(Now, gateway, "ops", "list");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Matches(@"OPERATION\s+KIND\s+STATE\s+SUBJECT\s+FROM\s+TO\s+PHASE\s+PROGRESS\s+CREATED\s+DURATION\s+MESSAGE", run.Output);
        Assert.Matches(@"op-2\s+migrate\s+running\s+web-1\s+hv-1\s+hv-2\s+pre-copy r2\s+1024/1024 MiB\s+2m00s ago\s+running", run.Output);
        Assert.Matches(@"drain-1\s+drain\s+running\s+hv-1\s+hv-1\s+-\s+-\s+moved 1/2, failed 0\s+2m00s ago\s+running", run.Output);
        Assert.Matches(@"op-1\s+migrate\s+succeeded\s+web-1\s+hv-1\s+hv-2\s+done r3\s+1536/1024 MiB\s+2m00s ago\s+4\.3s", run.Output);
    }

    [Fact]
    public async Task OpsList_Json_AllPagesAsOneArray()
    {
        var gateway = new FakeGateway().On<ListOperationsRequest>("ListOperations", r => r.PageToken switch
        {
            "" => new ListOperationsResponse { Operations = { Samples.Migration("op-2") }, NextPageToken = "p2" },
            _ => new ListOperationsResponse { Operations = { Samples.Migrated("op-1") } },
        });

        var run = await CliRun.RunAsync(gateway, "ops", "list", "--json");

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(["op-2", "op-1"], json.RootElement.EnumerateArray().Select(o => o.GetProperty("operationId").GetString()));
        Assert.Equal(["", "p2"], gateway.Calls.Select(c => ((ListOperationsRequest)c.Request).PageToken));
    }

    [Fact]
    public async Task OpsGet_Migration_DetailsWithFigures()
    {
        var gateway = new FakeGateway().ServeOperations([Samples.Migrated()]);

        var run = await CliRun.RunAtAsync(Now, gateway, "ops", "get", "operations/op-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("operations/op-1", gateway.Request<GetOperationRequest>().Name);
        Assert.Matches(@"State\s+succeeded", run.Output);
        Assert.Matches(@"From\s+hv-1", run.Output);
        Assert.Matches(@"To\s+hv-2", run.Output);
        Assert.Matches(@"Round\s+3", run.Output);
        Assert.Matches(@"Sent\s+1536/1024 MiB", run.Output);
        Assert.Matches(@"Throttle\s+20%", run.Output);
        Assert.Matches(@"Downtime\s+12\.5 ms", run.Output);
        Assert.Matches(@"Completed\s+2025-03-01 10:00:04Z \(took 4\.3s\)", run.Output);
    }

    [Fact]
    public async Task OpsGet_Json_ProtobufJsonWithDowntimeAndEnumNames()
    {
        var gateway = new FakeGateway().ServeOperations([Samples.Migrated()]);

        var run = await CliRun.RunAsync(gateway, "--json", "ops", "get", "op-1");

        using var json = JsonDocument.Parse(run.Output);
        var operation = json.RootElement;
        Assert.Equal("MIGRATION_PHASE_DONE", operation.GetProperty("phase").GetString());
        Assert.Equal("OPERATION_KIND_MIGRATE", operation.GetProperty("kind").GetString());
        Assert.Equal("1610612736", operation.GetProperty("bytesSent").GetString());
        Assert.Equal("0.012500s", operation.GetProperty("downtime").GetString());
    }

    [Fact]
    public async Task OpsGet_Unknown_NotFoundExit()
    {
        var gateway = new FakeGateway().ServeOperations([Samples.Migration()]);

        var run = await CliRun.RunAsync(gateway, "ops", "get", "op-9");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("error: NotFound: operation op-9 not found", run.Error.TrimEnd());
    }

    [Fact]
    public async Task OpsCancel_SendsTheNameAndShowsCancelRequested()
    {
        var gateway = new FakeGateway().On<CancelOperationRequest>("CancelOperation", _ =>
        {
            var operation = Samples.Migration(phase: MigrationPhase.PreCopy, round: 2);
            operation.CancelRequested = true;
            return operation;
        });

        var run = await CliRun.RunAsync(gateway, "ops", "cancel", "op-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("op-1", gateway.Request<CancelOperationRequest>().Name);
        Assert.Matches(@"Cancel requested\s+yes", run.Output);
    }

    [Fact]
    public async Task OpsCancel_Finished_ConflictExit()
    {
        var gateway = new FakeGateway().On<CancelOperationRequest>("CancelOperation", _ =>
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "operation op-1 has finished")));

        var run = await CliRun.RunAsync(gateway, "ops", "cancel", "op-1");

        Assert.Equal(ExitCodes.Conflict, run.ExitCode);
    }

    [Fact]
    public async Task OpsGet_Drain_CountsAndMigrationIds()
    {
        var gateway = new FakeGateway().ServeOperations([Samples.Drain(moved: 1, migrations: ["op-a", "op-b"])]);

        var run = await CliRun.RunAsync(gateway, "ops", "get", "drain-1");

        Assert.Matches(@"Kind\s+drain", run.Output);
        Assert.Matches(@"Guests\s+moved 1/2, failed 0", run.Output);
        Assert.Contains("Migrations: op-a op-b", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Downtime", run.Output, StringComparison.Ordinal);
    }
}
