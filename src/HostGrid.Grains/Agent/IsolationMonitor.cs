using System.Collections.Concurrent;
using HostGrid.Contracts.Events;
using HostGrid.Core.Failover;
using HostGrid.Grains.Events;
using HostGrid.Grains.Failover;
using HostGrid.Hypervisor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostGrid.Grains.Agent;

/// <summary>
/// The isolation response: a host whose heartbeats have gone unacknowledged, and whose lease in the database has gone
/// unrenewed, for <see cref="FailoverOptions.IsolationTimeout"/> stops its guests by itself, because the cluster will restart them
/// elsewhere soon after. Checks often, so a frozen agent that is continued fences before its guests run on.
/// </summary>
public sealed partial class IsolationMonitor : BackgroundService
{
    private static readonly TimeSpan CheckPeriod = TimeSpan.FromMilliseconds(100);

    private readonly LocalHypervisors _hypervisors;
    private readonly FailoverOptions _options;
    private readonly TimeProvider _time;
    private readonly IEventLog _events;
    private readonly ILogger<IsolationMonitor> _logger;
    private readonly ConcurrentDictionary<HostId, long> _lastAck = new();
    private readonly ConcurrentDictionary<HostId, bool> _fenced = new();
    private readonly ConcurrentDictionary<HostId, bool> _stoppedGuestsWhileIsolated = new();

    public IsolationMonitor(LocalHypervisors hypervisors, IOptions<FailoverOptions> options, TimeProvider time, IEventLog events, ILogger<IsolationMonitor> logger)
    {
        _events = events;
        _hypervisors = hypervisors;
        _options = options.Value;
        _time = time;
        _logger = logger;
        var now = time.GetTimestamp();
        foreach (var host in hypervisors.HostIds)
        {
            _lastAck[host] = now;
        }
    }

    /// <summary>The cluster acknowledged a heartbeat of this host.</summary>
    public void Acknowledged(HostId host) => Reached(host, _time.GetTimestamp());

    /// <summary>
    /// The agent renewed its lease for this host in the cluster's database (<see cref="IAgentLeases"/>), with a call
    /// that began at <paramref name="startedAt"/> (a <see cref="TimeProvider.GetTimestamp"/>): it is not isolated, even
    /// while no coordinator acknowledges its heartbeats, and failover waits for the lease as for an acknowledgement.
    /// </summary>
    public void Renewed(HostId host, long startedAt) => Reached(host, startedAt);

    private void Reached(HostId host, long at)
    {
        _lastAck.AddOrUpdate(host, at, (_, previous) => Math.Max(previous, at));
        _fenced[host] = false;
    }

    /// <summary>Whether the host stopped guests while isolated and the cluster has not yet been told (in a heartbeat).</summary>
    public bool StoppedGuestsWhileIsolated(HostId host) => _stoppedGuestsWhileIsolated.GetValueOrDefault(host);

    /// <summary>The coordinator acknowledged a heartbeat that said so.</summary>
    public void Reported(HostId host) => _stoppedGuestsWhileIsolated[host] = false;

    /// <summary>Stops every guest of the host, each at its own epoch; true when there were any. Idempotent.</summary>
    public async Task<bool> FenceAsync(HostId host, string reason, CancellationToken cancellationToken)
    {
        if (!_hypervisors.TryGet(host, out var driver))
        {
            return false;
        }

        var guests = await driver.ListAsync(cancellationToken);
        if (guests.Count == 0)
        {
            return false;
        }

        LogFencing(host, guests.Count, reason);
        // Best effort and not awaited: an isolated agent may not reach the database either; the log line above stays.
        _ = Task.Run(() => _events.AppendAsync(ClusterEvent.ForHost(EventKinds.HostFenced, host, $"stopped {guests.Count} guests: {reason}")), CancellationToken.None);
        await Task.WhenAll(guests.Select(g => driver.StopAsync(g.VmId, g.Epoch, cancellationToken)));
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var (host, lastAck) in _lastAck)
                {
                    var since = _time.GetElapsedTime(lastAck);
                    if (FailureDetector.IsIsolated(since, _options) && !_fenced.GetValueOrDefault(host))
                    {
                        _fenced[host] = true;
                        if (await FenceAsync(host, $"isolated: no acknowledged heartbeat or lease renewal for {since.TotalSeconds:F1} s", stoppingToken))
                        {
                            _stoppedGuestsWhileIsolated[host] = true;
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}
