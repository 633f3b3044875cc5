using Grpc.Core;
using HostGrid.Contracts.Rebalancing;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Api;

/// <summary>The cluster's rebalancer over gRPC; every call goes to the one <see cref="IRebalancerGrain"/>.</summary>
public sealed class RebalanceApi : Proto.RebalanceService.RebalanceServiceBase
{
    private readonly ClusterReader _cluster;

    public RebalanceApi(ClusterReader cluster) => _cluster = cluster;

    public override async Task<Proto.RebalancePlan> PlanRebalance(Proto.PlanRebalanceRequest request, ServerCallContext context) =>
        ApiMapper.ToProto(await _cluster.Rebalancer.PlanAsync());

    public override async Task<Proto.Operation> ApplyRebalance(Proto.ApplyRebalanceRequest request, ServerCallContext context) =>
        ApiMapper.ToProto(await _cluster.Rebalancer.ApplyAsync());

    public override async Task<Proto.Rebalancer> GetRebalancer(Proto.GetRebalancerRequest request, ServerCallContext context) =>
        ApiMapper.ToProto(await _cluster.Rebalancer.GetStatusAsync());

    public override async Task<Proto.Rebalancer> SetRebalancerMode(Proto.SetRebalancerModeRequest request, ServerCallContext context)
    {
        var mode = ApiMapper.FromProto(request.Mode, "mode");
        return ApiMapper.ToProto(await _cluster.Rebalancer.SetModeAsync(mode));
    }
}
