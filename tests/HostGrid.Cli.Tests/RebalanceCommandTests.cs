using System.Text.Json;
using Grpc.Core;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Tests;

public sealed class RebalanceCommandTests
{
    private static List<string> Lines(string text) => [.. text.TrimEnd().Split('\n').Select(l => l.TrimEnd())];

    [Fact]
    public async Task DryRun_PlanAsATableWithImbalanceBeforeAfterAndTarget()
    {
        var gateway = new FakeGateway().On<PlanRebalanceRequest>("PlanRebalance", _ => Samples.Plan());

        var run = await CliRun.RunAsync(gateway, "rebalance", "--dry-run");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(["PlanRebalance"], gateway.Calls.Select(c => c.Method));
        var lines = Lines(run.Output);
        Assert.Equal("Imbalance: 0.300 → 0.080 (target 0.100)", lines[0]);
        Assert.Equal("Moves: 2, 6144 MiB to copy", lines[1]);
        Assert.Matches(@"#\s+VM\s+FROM\s+TO\s+MEMORY \(MiB\)\s+IMBALANCE\s+WHY", run.Output);
        Assert.Matches(@"1\s+web-1\s+hv-1\s+hv-2\s+2048\s+0\.300 → 0\.170\s+hv-1 cpu 90% → 75%, hv-2 cpu 20% → 35%", run.Output);
        Assert.Matches(@"2\s+db-1\s+hv-1\s+hv-2\s+4096\s+0\.170 → 0\.080\s+hv-1 cpu 75%", run.Output);
        Assert.DoesNotContain('\u001b', run.Output);
    }

    [Fact]
    public async Task DryRun_StopsAboveTarget_SaysWhy()
    {
        var plan = Samples.Plan();
        plan.ImbalanceAfter = 0.15;
        plan.ReachesTarget = false;
        plan.WhyNoMoves = "move limit reached (10 per pass)";
        var gateway = new FakeGateway().On<PlanRebalanceRequest>("PlanRebalance", _ => plan);

        var run = await CliRun.RunAsync(gateway, "rebalance", "--dry-run");

        Assert.Contains("Imbalance: 0.300 → 0.150 (target 0.100), above target", run.Output, StringComparison.Ordinal);
        Assert.Contains("Stops above target: move limit reached (10 per pass)", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 0.04, "No moves: the cluster is balanced.")]
    [InlineData("no move improves the imbalance by at least 0.0025", 0.3, "No moves: no move improves the imbalance by at least 0.0025")]
    public async Task DryRun_NoMoves_SaysWhyAndNoTable(string why, double imbalance, string expected)
    {
        var plan = new RebalancePlan { ImbalanceBefore = imbalance, ImbalanceAfter = imbalance, TargetImbalance = 0.1, WhyNoMoves = why, ReachesTarget = why.Length == 0 };
        var gateway = new FakeGateway().On<PlanRebalanceRequest>("PlanRebalance", _ => plan);

        var run = await CliRun.RunAsync(gateway, "rebalance", "--dry-run");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(expected, Lines(run.Output)[1]);
        Assert.DoesNotContain("FROM", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_Json_ThePlanMessage()
    {
        var gateway = new FakeGateway().On<PlanRebalanceRequest>("PlanRebalance", _ => Samples.Plan());

        var run = await CliRun.RunAsync(gateway, "rebalance", "--dry-run", "--json");

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(0.3, json.RootElement.GetProperty("imbalanceBefore").GetDouble());
        Assert.Equal("6144", json.RootElement.GetProperty("memoryMibMoved").GetString());
        var move = json.RootElement.GetProperty("moves")[0];
        Assert.Equal(("web-1", "hv-1", "hv-2"), (move.GetProperty("vmId").GetString(), move.GetProperty("fromHostId").GetString(), move.GetProperty("toHostId").GetString()));
    }

    [Fact]
    public async Task Apply_Follows_CountsAndEachMigrationThenSummary()
    {
        var gateway = new FakeGateway()
            .On<ApplyRebalanceRequest>("ApplyRebalance", _ => Samples.Rebalance(migrations: "op-a"))
            .ServeOperations(
                [
                    Samples.Rebalance(moved: 0, migrations: ["op-a", "op-b"]),
                    Samples.Rebalance(moved: 1, imbalanceNow: 0.17, migrations: ["op-a", "op-b"]),
                    Samples.Rebalance(moved: 2, state: OperationState.Succeeded, imbalanceNow: 0.085, migrations: ["op-a", "op-b"]),
                ],
                [Samples.Migration("op-a", MigrationPhase.PreCopy, 1), Samples.Migrated("op-a")],
                [Samples.Migration("op-b", MigrationPhase.PreCopy, 1, vm: "db-1"), Samples.Migrated("op-b", vm: "db-1")]);

        var run = await CliRun.RunAsync(gateway, "rebalance", "--apply");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal("ApplyRebalance", gateway.Calls[0].Method);
        var lines = Lines(run.Output);
        Assert.Equal("rebalancing: moved 0/2, failed 0", lines[0]);
        Assert.Contains("  web-1 hv-1 → hv-2: pre-copy round 1  512/1024 MiB sent  dirty 64.0 MiB  950.0 MiB/s  throttle 0%", lines);
        Assert.Contains("  db-1 hv-1 → hv-2: succeeded", lines);
        Assert.Contains("rebalancing: moved 1/2, failed 0", lines);
        Assert.Equal("rebalanced in 41.0s: moved 2/2, failed 0; imbalance 0.300 → 0.080 (target 0.100), now 0.085", lines[^1]);
        Assert.DoesNotContain('\u001b', run.Output);
    }

    [Fact]
    public async Task Apply_SomeMovesFailed_ExitErrorSayingTheGuestsStayed()
    {
        var gateway = new FakeGateway()
            .On<ApplyRebalanceRequest>("ApplyRebalance", _ => Samples.Rebalance())
            .ServeOperations([Samples.Rebalance(moved: 1, failed: 1, state: OperationState.Succeeded)]);

        var run = await CliRun.RunAsync(gateway, "rebalance", "--apply");

        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.StartsWith("error: rebalanced in 41.0s: moved 1/2, failed 1; imbalance 0.300 → 0.080 (target 0.100); the guests that failed to move stay", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_PassFailed_ReasonAndExitError()
    {
        var failed = Samples.Rebalance(state: OperationState.Failed);
        failed.Message = "cluster changed: re-planning found no moves";
        var gateway = new FakeGateway()
            .On<ApplyRebalanceRequest>("ApplyRebalance", _ => Samples.Rebalance())
            .ServeOperations([failed]);

        var run = await CliRun.RunAsync(gateway, "rebalance", "--apply");

        Assert.Equal(ExitCodes.Error, run.ExitCode);
        Assert.Equal("error: rebalance rebalance-1 failed: cluster changed: re-planning found no moves", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Apply_NothingToMove_AlreadySucceededSaysSoWithoutPolling()
    {
        var balanced = new RebalancePlan { ImbalanceBefore = 0.04, ImbalanceAfter = 0.04, TargetImbalance = 0.1, ReachesTarget = true };
        var gateway = new FakeGateway().On<ApplyRebalanceRequest>("ApplyRebalance", _ => Samples.Rebalance(state: OperationState.Succeeded, plan: balanced));

        var run = await CliRun.RunAsync(gateway, "rebalance", "--apply");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("nothing to move; imbalance 0.040 (target 0.100)", Lines(run.Output)[^1]);
        Assert.Equal(["ApplyRebalance"], gateway.Calls.Select(c => c.Method));
    }

    [Fact]
    public async Task Apply_PassAlreadyRunning_ConflictExitNamingIt()
    {
        var gateway = new FakeGateway().On<ApplyRebalanceRequest>("ApplyRebalance", _ =>
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "the rebalancer has operation rebalance-3 in progress; wait for it or cancel it")));

        var run = await CliRun.RunAsync(gateway, "rebalance", "--apply");

        Assert.Equal(ExitCodes.Conflict, run.ExitCode);
        Assert.Contains("rebalance-3", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--no-wait")]
    [InlineData("--json")]
    public async Task Apply_NoWaitOrJson_PrintsTheStartedPassWithoutFollowing(string flag)
    {
        var gateway = new FakeGateway().On<ApplyRebalanceRequest>("ApplyRebalance", _ => Samples.Rebalance(migrations: "op-a"));

        var run = await CliRun.RunAsync(gateway, "rebalance", "--apply", flag);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(["ApplyRebalance"], gateway.Calls.Select(c => c.Method));
        if (flag == "--json")
        {
            using var json = JsonDocument.Parse(run.Output);
            Assert.Equal("OPERATION_KIND_REBALANCE", json.RootElement.GetProperty("kind").GetString());
            Assert.Equal(2, json.RootElement.GetProperty("rebalance").GetProperty("plan").GetProperty("moves").GetArrayLength());
            return;
        }

        Assert.Matches(@"Kind\s+rebalance", run.Output);
        Assert.Matches(@"Moves\s+moved 0/2, failed 0", run.Output);
        Assert.Matches(@"Imbalance\s+0\.300 → 0\.080 \(target 0\.100\)", run.Output);
        Assert.Matches(@"1\s+web-1\s+hv-1\s+hv-2\s+2048", run.Output);
        Assert.Contains("Migrations: op-a", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--dry-run", "--apply")]
    [InlineData("status", "--dry-run")]
    [InlineData("mode")]
    [InlineData("mode", "sideways")]
    [InlineData("mode", "unspecified")]
    public async Task BadCommandLine_UsageAndNothingCalled(params string[] args)
    {
        var gateway = new FakeGateway();

        var run = await CliRun.RunAsync(gateway, ["rebalance", .. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(gateway.Calls);
    }

    [Fact]
    public async Task Status_ModeImbalanceAndTheRecommendedMoves()
    {
        var gateway = new FakeGateway().On<GetRebalancerRequest>("GetRebalancer", _ => Samples.Rebalancer());

        var run = await CliRun.RunAtAsync(Samples.Now, gateway, "rebalance", "status");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Matches(@"Mode\s+recommend", run.Output);
        Assert.Matches(@"Imbalance\s+0\.300 \(target 0\.100, above it since 3m00s ago\)", run.Output);
        Assert.Matches(@"Running pass\s+-", run.Output);
        Assert.Matches(@"Last pass\s+2025-03-01 08:02:00Z \(2h00m ago\)", run.Output);
        Assert.Matches(@"Recommendation\s+2 moves, 6144 MiB, imbalance 0\.300 → 0\.080 \(target 0\.100\) \(1m00s ago\)", run.Output);
        Assert.Matches(@"2\s+db-1\s+hv-1\s+hv-2\s+4096", run.Output);
    }

    [Theory]
    [InlineData("off", RebalanceMode.Off)]
    [InlineData("recommend", RebalanceMode.Recommend)]
    [InlineData("AUTO", RebalanceMode.Auto)]
    public async Task Mode_SendsTheModeAndShowsTheRebalancer(string typed, RebalanceMode expected)
    {
        var gateway = new FakeGateway().On<SetRebalancerModeRequest>("SetRebalancerMode", r => Samples.Rebalancer(r.Mode));

        var run = await CliRun.RunAtAsync(Samples.Now, gateway, "rebalance", "mode", typed);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(expected, gateway.Request<SetRebalancerModeRequest>().Mode);
        Assert.Matches($@"Mode\s+{typed.ToLowerInvariant()}", run.Output);
    }

    [Fact]
    public async Task StatusJson_TheRebalancerMessage()
    {
        var gateway = new FakeGateway().On<GetRebalancerRequest>("GetRebalancer", _ => Samples.Rebalancer(RebalanceMode.Auto));

        var run = await CliRun.RunAsync(gateway, "rebalance", "status", "--json");

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("REBALANCE_MODE_AUTO", json.RootElement.GetProperty("mode").GetString());
        Assert.Equal(0.1, json.RootElement.GetProperty("targetImbalance").GetDouble());
    }

    [Fact]
    public async Task OpsList_RebalancePass_SubjectClusterAndItsCounts()
    {
        var gateway = new FakeGateway().On<ListOperationsRequest>("ListOperations", _ => new ListOperationsResponse { Operations = { Samples.Rebalance(moved: 1) } });

        var run = await CliRun.RunAsync(gateway, "ops", "list", "--kind", "rebalance");

        Assert.Equal(OperationKind.Rebalance, gateway.Request<ListOperationsRequest>().Kind);
        Assert.Matches(@"rebalance-1\s+rebalance\s+running\s+cluster\s+-\s+-\s+-\s+moved 1/2, failed 0", run.Output);
    }
}
