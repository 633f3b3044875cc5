using System.Collections.Concurrent;

namespace HostGrid.Grains.Failover;

/// <summary>Agent leases of silos without a database (in-process tests): shared by the silos that share the instance.</summary>
public sealed class InMemoryAgentLeases(TimeProvider time) : IAgentLeases
{
    private readonly ConcurrentDictionary<(HostId Host, string Agent), long> _renewedAt = new();

    public Task RenewAsync(HostId host, string agent, CancellationToken cancellationToken)
    {
        _renewedAt[(host, agent)] = time.GetTimestamp();
        return Task.CompletedTask;
    }

    public Task<TimeSpan?> SinceRenewedAsync(HostId host, string agent, CancellationToken cancellationToken) =>
        Task.FromResult<TimeSpan?>(_renewedAt.TryGetValue((host, agent), out var at) ? time.GetElapsedTime(at) : null);
}
