using System.Text.Json;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Tests;

public sealed class DrainCommandTests
{
    private static Host InMaintenance(bool maintenance = true)
    {
        var host = Samples.Host();
        host.Maintenance = maintenance;
        return host;
    }

    private static FakeGateway Draining(Operation started, params Operation[][] reads) =>
        new FakeGateway()
            .On<SetHostMaintenanceRequest>("SetHostMaintenance", _ => new SetHostMaintenanceResponse { Host = InMaintenance(), Drain = started })
            .ServeOperations(reads);

    [Fact]
    public async Task Drain_Follows_CountsAndEachMigrationThenSummary()
    {
        var gateway = Draining(
            Samples.Drain(migrations: "op-a"),
            [
                Samples.Drain(moved: 0, migrations: ["op-a", "op-b"]),
                Samples.Drain(moved: 1, migrations: ["op-a", "op-b"]),
                Samples.Drain(moved: 2, state: OperationState.Succeeded, migrations: ["op-a", "op-b"]),
            ],
            [Samples.Migration("op-a", MigrationPhase.PreCopy, 1), Samples.Migrated("op-a")],
            [Samples.Migration("op-b", MigrationPhase.PreCopy, 1, vm: "db-1"), Samples.Migrated("op-b", vm: "db-1")]);

        var run = await CliRun.RunAsync(gateway, "hosts", "drain", "hv-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("", run.Error);
        var request = gateway.Request<SetHostMaintenanceRequest>();
        Assert.Equal(("hv-1", MaintenanceAction.Enter), (request.Name, request.Action));
        var lines = run.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Equal("draining hv-1: moved 0/2, failed 0", lines[0]);
        Assert.Contains("  web-1 hv-1 → hv-2: pre-copy round 1  512/1024 MiB sent  dirty 64.0 MiB  950.0 MiB/s  throttle 0%", lines);
        Assert.Contains("  db-1 hv-1 → hv-2: pre-copy round 1  512/1024 MiB sent  dirty 64.0 MiB  950.0 MiB/s  throttle 0%", lines);
        Assert.Contains("  web-1 hv-1 → hv-2: succeeded", lines);
        Assert.Contains("  db-1 hv-1 → hv-2: succeeded", lines);
        Assert.Contains("draining hv-1: moved 1/2, failed 0", lines);
        Assert.Equal("drained hv-1 in 30.2s: moved 2/2, failed 0", lines[^1]);
        Assert.DoesNotContain('\u001b', run.Output);
        // A finished migration is not read again.
        Assert.Equal(2, gateway.Calls.Count(c => c.Request is GetOperationRequest { Name: "operations/op-a" }));
    }

    [Fact]
    public async Task Drain_SomeGuestsFailedToMove_ExitErrorNamingTheHost()
    {
        var gateway = Draining(Samples.Drain(), [Samples.Drain(moved: 1, failed: 1, state: OperationState.Succeeded)]);

        var run = await CliRun.RunAsync(gateway, "hosts", "drain", "hv-1");

        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.StartsWith("error: drained hv-1 in 30.2s: moved 1/2, failed 1; the failed guests are still on hv-1", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_Failed_ReasonAndExitError()
    {
        var gateway = Draining(Samples.Drain(), [Samples.Drain(state: OperationState.Failed)]);
        gateway.ServeOperations([CopyWithMessage(Samples.Drain(state: OperationState.Failed), "host hv-1 unreachable")]);

        var run = await CliRun.RunAsync(gateway, "hosts", "drain", "hv-1");

        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.Equal("error: drain drain-1 failed: host hv-1 unreachable", run.Error.TrimEnd());
    }

    private static Operation CopyWithMessage(Operation operation, string message)
    {
        operation.Message = message;
        return operation;
    }

    [Fact]
    public async Task Drain_NoWait_PrintsHostAndDrainWithoutFollowing()
    {
        var gateway = Draining(Samples.Drain(migrations: "op-a"), [Samples.Drain()]);

        var run = await CliRun.RunAsync(gateway, "hosts", "drain", "hosts/hv-1", "--no-wait");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(["SetHostMaintenance"], gateway.Calls.Select(c => c.Method));
        Assert.Contains("up (maintenance)", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Guests\s+moved 0/2, failed 0", run.Output);
        Assert.Contains("Migrations: op-a", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_Json_TheResponseAsJson()
    {
        var gateway = Draining(Samples.Drain(), [Samples.Drain()]);

        var run = await CliRun.RunAsync(gateway, "hosts", "drain", "hv-1", "--json");

        using var json = JsonDocument.Parse(run.Output);
        Assert.True(json.RootElement.GetProperty("host").GetProperty("maintenance").GetBoolean());
        Assert.Equal("OPERATION_KIND_DRAIN", json.RootElement.GetProperty("drain").GetProperty("kind").GetString());
        Assert.Equal(["SetHostMaintenance"], gateway.Calls.Select(c => c.Method));
    }

    [Fact]
    public async Task Undrain_SendsExitAndShowsTheHost()
    {
        var gateway = new FakeGateway().On<SetHostMaintenanceRequest>("SetHostMaintenance", _ => new SetHostMaintenanceResponse { Host = InMaintenance(false) });

        var run = await CliRun.RunAsync(gateway, "hosts", "undrain", "hv-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(MaintenanceAction.Exit, gateway.Request<SetHostMaintenanceRequest>().Action);
        Assert.Matches(@"hv-1\s+up\s", run.Output);
        Assert.DoesNotContain("maintenance", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostsList_HostInMaintenance_StatusSaysSo()
    {
        var gateway = new FakeGateway().On<ListHostsRequest>("ListHosts", _ => new ListHostsResponse { Hosts = { InMaintenance(), Samples.Host("hv-2") } });

        var run = await CliRun.RunAsync(gateway, "hosts", "list");

        Assert.Matches(@"hv-1\s+up \(maintenance\)", run.Output);
        Assert.Matches(@"hv-2\s+up\s", run.Output);
    }
}
