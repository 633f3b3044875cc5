using Grpc.Core;
using HostGrid.Contracts.Operations;
using HostGrid.Contracts.Rebalancing;
using HostGrid.Gateway.Api;
using HostGrid.Gateway.Tests.Fakes;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Tests.Api;

public sealed class RebalanceApiTests
{
    private static readonly DateTimeOffset PassAt = Operations.Created.AddMinutes(5);

    private static RebalancerStatus Status(RebalanceMode mode = RebalanceMode.Recommend, string? active = null) => new(
        mode, 3, 0.30, 0.10, active, PassAt, PassAt.AddMinutes(-2), Operations.Plan(), PassAt.AddSeconds(1));

    private static (RebalanceApi Api, FakeRebalancerGrain Rebalancer) Api(Func<OperationSnapshot>? apply = null, RebalancerStatus? status = null)
    {
        var rebalancer = new FakeRebalancerGrain(Operations.Plan(), status ?? Status(), apply ?? (() => Operations.Rebalance()));
        var grains = new FakeGrainFactory().Add<IRebalancerGrain>(IRebalancerGrain.Key, rebalancer);
        return (new RebalanceApi(new ClusterReader(grains)), rebalancer);
    }

    [Fact]
    public async Task PlanRebalance_ThePlanWithEveryMoveExplained()
    {
        var (api, rebalancer) = Api();

        var plan = await CallThroughInterceptor.RunAsync(new Proto.PlanRebalanceRequest(), api.PlanRebalance);

        Assert.Equal(["plan"], rebalancer.Calls);
        Assert.Equal((0.30, 0.08, 0.10), (plan.ImbalanceBefore, plan.ImbalanceAfter, plan.TargetImbalance));
        Assert.Equal((6144L, true, ""), (plan.MemoryMibMoved, plan.ReachesTarget, plan.WhyNoMoves));
        Assert.Equal(2, plan.Moves.Count);
        var first = plan.Moves[0];
        Assert.Equal(("web-1", "hv-1", "hv-2", "hv-1 at 90% cpu, hv-2 at 20%"), (first.VmId, first.FromHostId, first.ToHostId, first.Why));
        Assert.Equal((0.30, 0.17, 2048L), (first.ImbalanceBefore, first.ImbalanceAfter, first.MemoryMib));
        Assert.Equal(("db-1", "hv-3"), (plan.Moves[1].VmId, plan.Moves[1].ToHostId));
    }

    [Fact]
    public async Task ApplyRebalance_TheRunningOperationWithItsPlanAndMigrations()
    {
        var (api, rebalancer) = Api(() => Operations.Rebalance("rebalance-4", OperationState.Running, "op-7"));

        var operation = await CallThroughInterceptor.RunAsync(new Proto.ApplyRebalanceRequest(), api.ApplyRebalance);

        Assert.Equal(["apply"], rebalancer.Calls);
        Assert.Equal(("operations/rebalance-4", Proto.OperationKind.Rebalance, Proto.OperationState.Running), (operation.Name, operation.Kind, operation.State));
        Assert.Equal((1, 0), (operation.Rebalance.Moved, operation.Rebalance.Failed));
        Assert.Equal(["operations/op-7"], operation.Rebalance.Migrations);
        Assert.Equal(2, operation.Rebalance.Plan.Moves.Count);
        Assert.True(operation.Rebalance.HasImbalanceNow);
        Assert.Equal(0.17, operation.Rebalance.ImbalanceNow);
    }

    [Fact]
    public async Task ApplyRebalance_PassAlreadyRunning_FailedPreconditionNamingTheOperation()
    {
        var (api, _) = Api(() => throw new OperationInProgressException("the rebalancer", "rebalance-3"));

        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.ApplyRebalanceRequest(), api.ApplyRebalance);

        Assert.Equal(StatusCode.FailedPrecondition, status.StatusCode);
        Assert.Contains("rebalance-3", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRebalancer_ModeImbalanceActivePassAndRecommendation()
    {
        var (api, rebalancer) = Api(status: Status(RebalanceMode.Auto, active: "rebalance-2"));

        var message = await CallThroughInterceptor.RunAsync(new Proto.GetRebalancerRequest(), api.GetRebalancer);

        Assert.Equal(["status"], rebalancer.Calls);
        Assert.Equal(("rebalancer", Proto.RebalanceMode.Auto, 3), (message.Name, message.Mode, message.Aggressiveness));
        Assert.Equal((0.30, 0.10), (message.Imbalance, message.TargetImbalance));
        Assert.Equal("operations/rebalance-2", message.ActiveOperation);
        Assert.Equal(PassAt, message.LastPassTime.ToDateTimeOffset());
        Assert.Equal(PassAt.AddMinutes(-2), message.ImbalanceAboveSince.ToDateTimeOffset());
        Assert.Equal(2, message.Recommendation.Moves.Count);
        Assert.Equal(PassAt.AddSeconds(1), message.RecommendTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task GetRebalancer_NothingYet_EmptyActiveAndUnsetTimes()
    {
        var (api, _) = Api(status: new RebalancerStatus(RebalanceMode.Off, 3, 0.02, 0.10, null, null, null, null, null));

        var message = await CallThroughInterceptor.RunAsync(new Proto.GetRebalancerRequest(), api.GetRebalancer);

        Assert.Equal((Proto.RebalanceMode.Off, ""), (message.Mode, message.ActiveOperation));
        Assert.Null(message.LastPassTime);
        Assert.Null(message.ImbalanceAboveSince);
        Assert.Null(message.Recommendation);
        Assert.Null(message.RecommendTime);
    }

    [Theory]
    [InlineData(Proto.RebalanceMode.Off, RebalanceMode.Off)]
    [InlineData(Proto.RebalanceMode.Recommend, RebalanceMode.Recommend)]
    [InlineData(Proto.RebalanceMode.Auto, RebalanceMode.Auto)]
    public async Task SetRebalancerMode_EachMode_SetOnTheGrainAndReturned(Proto.RebalanceMode mode, RebalanceMode expected)
    {
        var (api, rebalancer) = Api();

        var message = await CallThroughInterceptor.RunAsync(new Proto.SetRebalancerModeRequest { Mode = mode }, api.SetRebalancerMode);

        Assert.Equal([$"mode {expected}"], rebalancer.Calls);
        Assert.Equal(mode, message.Mode);
    }

    [Theory]
    [InlineData(Proto.RebalanceMode.Unspecified)]
    [InlineData((Proto.RebalanceMode)42)]
    public async Task SetRebalancerMode_UnspecifiedOrUnknown_InvalidArgumentNamingModeAndNothingSet(Proto.RebalanceMode mode)
    {
        var (api, rebalancer) = Api();

        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.SetRebalancerModeRequest { Mode = mode }, api.SetRebalancerMode);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith("mode: ", status.Detail, StringComparison.Ordinal);
        Assert.Empty(rebalancer.Calls);
    }

    [Fact]
    public void ToProtoRebalanceMode_EveryDomainMode_DistinctNotUnspecifiedAndBack()
    {
        var modes = Enum.GetValues<RebalanceMode>();
        var mapped = modes.Select(ApiMapper.ToProto).ToList();

        Assert.DoesNotContain(Proto.RebalanceMode.Unspecified, mapped);
        Assert.Equal(mapped.Count, mapped.Distinct().Count());
        Assert.Equal(Enum.GetValues<Proto.RebalanceMode>().Length - 1, mapped.Count);
        Assert.All(modes, m => Assert.Equal(m, ApiMapper.FromProto(ApiMapper.ToProto(m), "mode")));
    }

    [Fact]
    public void ToProtoPlan_StopsShortOfTarget_SaysWhyAndDoesNotReachIt()
    {
        var plan = new RebalancePlan(0.30, 0.20, 0.10, [], "no move improves the imbalance by at least 0.0025");

        var message = ApiMapper.ToProto(plan);

        Assert.Equal(("no move improves the imbalance by at least 0.0025", false, 0L), (message.WhyNoMoves, message.ReachesTarget, message.MemoryMibMoved));
        Assert.Empty(message.Moves);
    }

    [Fact]
    public void ToProtoOperation_RebalanceWithoutMeasurement_ImbalanceNowUnsetAndNoDrainOrMigrationFields()
    {
        var snapshot = Operations.Rebalance() with { Rebalance = new RebalanceProgress(Operations.Plan(), 0, 0, [], null) };

        var message = ApiMapper.ToProto(snapshot);

        Assert.False(message.Rebalance.HasImbalanceNow);
        Assert.Null(message.Drain);
        Assert.Equal(("", "", "", Proto.MigrationPhase.Unspecified), (message.VmId, message.SourceHostId, message.TargetHostId, message.Phase));
    }

    [Fact]
    public void ToProtoOperation_MigrationOrDrain_NoRebalanceProgress()
    {
        Assert.Null(ApiMapper.ToProto(Operations.Migration()).Rebalance);
        Assert.Null(ApiMapper.ToProto(Operations.Drain()).Rebalance);
    }
}
