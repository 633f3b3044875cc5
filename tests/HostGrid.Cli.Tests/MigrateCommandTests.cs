using System.Text.Json;
using Grpc.Core;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Tests;

public sealed class MigrateCommandTests
{
    private static FakeGateway Migrating(params Operation[] reads) =>
        new FakeGateway()
            .On<MigrateVmRequest>("MigrateVm", _ => Samples.Migration())
            .ServeOperations(reads);

    [Fact]
    public async Task Migrate_NoWait_SendsNameAndTargetPrintsTheOperationAndDoesNotFollow()
    {
        var gateway = Migrating(Samples.Migration());

        var run = await CliRun.RunAsync(gateway, "vms", "migrate", "web-1", "--to", "hv-2", "--no-wait");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var request = gateway.Request<MigrateVmRequest>();
        Assert.Equal(("web-1", "hv-2"), (request.Name, request.TargetHostId));
        Assert.Equal(["MigrateVm"], gateway.Calls.Select(c => c.Method));
        Assert.Matches(@"Operation\s+op-1", run.Output);
        Assert.Matches(@"Phase\s+reserve", run.Output);
    }

    [Fact]
    public async Task Migrate_NoTarget_EmptyTargetLetsTheSchedulerChoose()
    {
        var gateway = Migrating(Samples.Migration());

        await CliRun.RunAsync(gateway, "vms", "migrate", "vms/web-1", "--no-wait");

        Assert.Equal(("vms/web-1", ""), (gateway.Request<MigrateVmRequest>().Name, gateway.Request<MigrateVmRequest>().TargetHostId));
    }

    [Fact]
    public async Task Migrate_Json_PrintsTheStartedOperationAsJsonAndDoesNotFollow()
    {
        var gateway = Migrating(Samples.Migration());

        var run = await CliRun.RunAsync(gateway, "--json", "vms", "migrate", "web-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("operations/op-1", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("OPERATION_STATE_RUNNING", json.RootElement.GetProperty("state").GetString());
        Assert.Equal(["MigrateVm"], gateway.Calls.Select(c => c.Method));
    }

    [Fact]
    public async Task Migrate_Follows_PreCopyRoundsThenSucceeded_LineAPhaseAndRoundAndSummary()
    {
        var gateway = Migrating(
            Samples.Migration(phase: MigrationPhase.PreCopy, round: 1),
            Samples.Migration(phase: MigrationPhase.PreCopy, round: 1),
            Samples.Migration(phase: MigrationPhase.PreCopy, round: 2),
            Samples.Migrated());

        var run = await CliRun.RunAsync(gateway, "vms", "migrate", "web-1", "--to", "hv-2");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("", run.Error);
        var lines = run.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Equal(
        [
            "web-1 hv-1 → hv-2: reserve",
            "web-1 hv-1 → hv-2: pre-copy round 1  512/1024 MiB sent  dirty 64.0 MiB  950.0 MiB/s  throttle 0%",
            "web-1 hv-1 → hv-2: pre-copy round 2  1024/1024 MiB sent  dirty 32.0 MiB  950.0 MiB/s  throttle 20%",
            "web-1 hv-1 → hv-2: succeeded",
            "migrated web-1 from hv-1 to hv-2 in 4.3s: downtime 12.5 ms, 3 rounds, 1536 MiB sent",
        ], lines);
        Assert.DoesNotContain('\u001b', run.Output);
        Assert.Equal(["MigrateVm", "GetOperation", "GetOperation", "GetOperation", "GetOperation"], gateway.Calls.Select(c => c.Method));
        Assert.All(gateway.Calls.Skip(1), c => Assert.Equal("operations/op-1", ((GetOperationRequest)c.Request).Name));
    }

    [Fact]
    public async Task Migrate_HypervisorReportsItsDowntime_ShownBesideHostGrids()
    {
        var done = Samples.Migrated();
        done.HypervisorDowntime = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(3.2));
        var gateway = Migrating(Samples.Migration(phase: MigrationPhase.PreCopy, round: 1), done);

        var run = await CliRun.RunAsync(gateway, "vms", "migrate", "web-1", "--to", "hv-2");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.EndsWith("migrated web-1 from hv-1 to hv-2 in 4.3s: downtime 12.5 ms (hypervisor 3.2 ms), 3 rounds, 1536 MiB sent", run.Output.TrimEnd());
    }

    [Fact]
    public async Task Migrate_FinishedInPostCopy_Said()
    {
        var done = Samples.Migrated();
        done.PostCopy = true;
        var gateway = Migrating(Samples.Migration(phase: MigrationPhase.PreCopy, round: 1), done);

        var run = await CliRun.RunAsync(gateway, "vms", "migrate", "web-1", "--to", "hv-2");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.EndsWith("migrated web-1 from hv-1 to hv-2 in 4.3s: downtime 12.5 ms, 3 rounds then post-copy, 1536 MiB sent", run.Output.TrimEnd());
    }

    [Fact]
    public async Task Migrate_Fails_ReasonOnStderrAndExitError()
    {
        var gateway = Migrating(
            Samples.Migration(phase: MigrationPhase.PreCopy, round: 1),
            Samples.Migration(phase: MigrationPhase.Done, round: 30, state: OperationState.Failed, message: "pre-copy did not converge after 30 rounds; guest left on hv-1"));

        var run = await CliRun.RunAsync(gateway, "vms", "migrate", "web-1");

        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.Equal("error: migration op-1 failed: pre-copy did not converge after 30 rounds; guest left on hv-1", run.Error.TrimEnd());
        Assert.Contains("web-1 hv-1 → hv-2: failed", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("migrated", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_Cancelled_SaysCancelledAndExitError()
    {
        var gateway = Migrating(Samples.Migration(phase: MigrationPhase.Done, state: OperationState.Cancelled, message: "cancelled by request; guest left on hv-1"));

        var run = await CliRun.RunAsync(gateway, "vms", "migrate", "web-1");

        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.Equal("error: migration op-1 cancelled: cancelled by request; guest left on hv-1", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Migrate_StillRunningAfterWaitTimeout_ExitUnavailableAndHowToFollow()
    {
        var gateway = Migrating(Samples.Migration(phase: MigrationPhase.PreCopy, round: 4));

        var run = await CliRun.RunAsync(gateway, "vms", "migrate", "web-1", "--wait-timeout", "0.05");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Equal("error: migration op-1 still running after 0.05s; follow it with 'hostgrid ops get op-1'", run.Error.TrimEnd());
        Assert.Single(run.Output.TrimEnd().Split('\n'), l => l.Contains("pre-copy round 4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migrate_EveryPollHasItsOwnDeadline()
    {
        var gateway = Migrating(Samples.Migration(phase: MigrationPhase.PreCopy, round: 1), Samples.Migrated());
        var before = DateTime.UtcNow;

        var run = await CliRun.RunAsync(gateway, "--timeout", "7", "vms", "migrate", "web-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.All(gateway.Calls, call => Assert.InRange(call.Options.Deadline!.Value, before.AddSeconds(7), DateTime.UtcNow.AddSeconds(7)));
    }

    [Fact]
    public async Task Migrate_OperationInProgress_ConflictExitAndTheRunningOperationNamed()
    {
        var gateway = new FakeGateway().On<MigrateVmRequest>("MigrateVm", _ =>
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "vm web-1 has operation op-7 in progress; wait for it or cancel it")));

        var run = await CliRun.RunAsync(gateway, "vms", "migrate", "web-1");

        Assert.Equal(ExitCodes.Conflict, run.ExitCode);
        Assert.Equal("error: FailedPrecondition: vm web-1 has operation op-7 in progress; wait for it or cancel it", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Migrate_GatewayFailsWhileFollowing_ExitByStatus()
    {
        var gateway = new FakeGateway()
            .On<MigrateVmRequest>("MigrateVm", _ => Samples.Migration())
            .On<GetOperationRequest>("GetOperation", _ => throw new RpcException(new Status(StatusCode.Unavailable, "cluster unavailable")));

        var run = await CliRun.RunAsync(gateway, "vms", "migrate", "web-1");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Equal("error: Unavailable: cluster unavailable", run.Error.TrimEnd());
    }

    [Theory]
    [InlineData("vms", "migrate")]
    [InlineData("vms", "migrate", "web-1", "--wait-timeout", "0")]
    [InlineData("vms", "migrate", "web-1", "--wait-timeout", "soon")]
    [InlineData("vms", "migrate", "web-1", "--to")]
    [InlineData("hosts", "drain")]
    [InlineData("hosts", "undrain")]
    [InlineData("ops", "get")]
    [InlineData("ops", "cancel")]
    [InlineData("ops", "list", "--state", "bogus")]
    [InlineData("ops", "list", "--kind", "resize")]
    public async Task BadUsage_ExitUsageAndNoCall(params string[] args)
    {
        var gateway = new FakeGateway();

        var run = await CliRun.RunAsync(gateway, args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(gateway.Calls);
    }

    [Fact]
    public async Task BadWaitTimeout_ErrorNamesTheOption()
    {
        var run = await CliRun.RunAsync(new FakeGateway(), "vms", "migrate", "web-1", "--wait-timeout", "-3");

        Assert.Contains("--wait-timeout", run.Error, StringComparison.Ordinal);
    }
}
