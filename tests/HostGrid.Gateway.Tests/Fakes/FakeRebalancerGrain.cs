using HostGrid.Contracts.Operations;
using HostGrid.Contracts.Rebalancing;

namespace HostGrid.Gateway.Tests.Fakes;

/// <summary>
/// A rebalancer that answers <paramref name="plan"/> and <paramref name="status"/>, starts <paramref name="apply"/>
/// (which may throw), and records every call so a test sees what the API asked for.
/// </summary>
internal sealed class FakeRebalancerGrain(RebalancePlan plan, RebalancerStatus status, Func<OperationSnapshot> apply) : IRebalancerGrain
{
    public List<string> Calls { get; } = [];

    public Task<RebalancePlan> PlanAsync()
    {
        Calls.Add("plan");
        return Task.FromResult(plan);
    }

    public Task<OperationSnapshot> ApplyAsync()
    {
        Calls.Add("apply");
        return Task.FromResult(apply());
    }

    public Task<RebalancerStatus> GetStatusAsync()
    {
        Calls.Add("status");
        return Task.FromResult(status);
    }

    public Task<RebalancerStatus> SetModeAsync(RebalanceMode mode)
    {
        Calls.Add($"mode {mode}");
        status = status with { Mode = mode };
        return Task.FromResult(status);
    }

    public Task CancelAsync(string operationId) => throw new NotSupportedException();
}
