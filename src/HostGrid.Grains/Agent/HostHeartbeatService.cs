using System.Collections.Concurrent;
using HostGrid.Contracts.Failover;
using HostGrid.Core.Failover;
using HostGrid.Grains.Failover;
using HostGrid.Hypervisor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostGrid.Grains.Agent;

/// <summary>
/// The agent's heartbeat loop: registers each host it serves, then every <see cref="FailoverOptions.HeartbeatInterval"/>
/// reports the host's guests, load and hypervisor health to its <see cref="IHostGrain"/> and the failover coordinator,
/// and beside that renews the host's lease in the cluster's database (<see cref="IAgentLeases"/>). Either keeps the
/// host from fencing itself, so a coordinator that moves between silos does not fence healthy hosts.
/// </summary>
public sealed partial class HostHeartbeatService : BackgroundService
{
    private readonly IGrainFactory _grains;
    private readonly LocalHypervisors _hypervisors;
    private readonly IsolationMonitor _isolation;
    private readonly IAgentLeases _leases;
    private readonly SiloAddress _silo;
    private readonly string _agent;
    private readonly IReadOnlyDictionary<HostId, HostRegistration> _registrations;
    private readonly FailoverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HostHeartbeatService> _logger;
    private const int MaxHeartbeatAttempts = 3;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    private readonly HashSet<HostId> _registered = [];

    /// <summary>Hosts the coordinator said are Down: fenced, they renew no lease until they rejoin.</summary>
    private readonly ConcurrentDictionary<HostId, bool> _declaredDown = new();
    private readonly string _serving;

    public HostHeartbeatService(
        IGrainFactory grains,
        LocalHypervisors hypervisors,
        IsolationMonitor isolation,
        IAgentLeases leases,
        ILocalSiloDetails silo,
        IEnumerable<HostRegistration> registrations,
        IOptions<FailoverOptions> options,
        TimeProvider time,
        ILogger<HostHeartbeatService> logger)
    {
        _grains = grains;
        _hypervisors = hypervisors;
        _isolation = isolation;
        _leases = leases;
        _silo = silo.SiloAddress;
        _agent = silo.SiloAddress.ToParsableString();
        _registrations = registrations.ToDictionary(r => r.HostId);
        _serving = string.Join(", ", _registrations.Keys);
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogServing(_serving);
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        do
        {
            await Task.WhenAll(_hypervisors.Drivers.Select(d => BeatAsync(d, stoppingToken)));
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private async Task BeatAsync(EpochFencedDriver driver, CancellationToken cancellationToken)
    {
        var registration = _registrations[driver.HostId];
        var host = _grains.GetGrain<IHostGrain>(driver.HostId.Value);
        var coordinator = _grains.GetGrain<IFailoverCoordinatorGrain>(IFailoverCoordinatorGrain.Key);
        // Beside the heartbeat, not after it: a coordinator that does not answer must not hold up the lease.
        var renewal = _declaredDown.ContainsKey(driver.HostId) ? Task.CompletedTask : RenewLeaseAsync(driver, cancellationToken);
        try
        {
            if (!_registered.Contains(driver.HostId))
            {
                await host.RegisterAsync(registration);
                _registered.Add(driver.HostId);
            }

            var guests = await driver.ListAsync(cancellationToken);
            var healthy = await driver.CheckHealthAsync(cancellationToken);
            var fencedItself = _isolation.StoppedGuestsWhileIsolated(driver.HostId);
            var heartbeat = new HostHeartbeat(driver.HostId, LoadOf(registration.Capacity, guests), guests, healthy, fencedItself, driver.GuestsOutliveAgent);
            var report = ReportAsync(host, driver, heartbeat, cancellationToken);
            // The guests' lease counts from before the call: the coordinator's acknowledgement, and its fence, come later.
            var sentAt = _time.GetUtcNow();
            var ack = await AcknowledgedHeartbeatAsync(coordinator, heartbeat, cancellationToken);
            _isolation.Acknowledged(driver.HostId);
            if (ack.Fenced)
            {
                _declaredDown[driver.HostId] = true;
            }
            else
            {
                _declaredDown.TryRemove(driver.HostId, out _);
                driver.RenewLease(sentAt + _options.IsolationTimeout);
            }

            if (fencedItself)
            {
                _isolation.Reported(driver.HostId);
            }
            if (ack.Fenced)
            {
                // Declared dead while we ran on: our guests now run elsewhere at newer epochs.
                await _isolation.FenceAsync(driver.HostId, "declared dead by the cluster", cancellationToken);
                if (healthy)
                {
                    await coordinator.RejoinAsync(driver.HostId);
                }
            }

            await report;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogHeartbeatFailed(driver.HostId, e.GetType().Name, e.Message);
        }

        await renewal;
    }

    /// <summary>
    /// The datastore heartbeat. Counted from before the call (the database stamps it later), and bounded by the
    /// isolation timeout: a renewal that took longer would be spent on arrival.
    /// </summary>
    private async Task RenewLeaseAsync(EpochFencedDriver driver, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetTimestamp();
        var sentAt = _time.GetUtcNow();
        try
        {
            // Cancelled, not abandoned, when late: a database that hangs must not collect a renewal per heartbeat.
            using var late = new CancellationTokenSource(_options.IsolationTimeout, _time);
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, late.Token);
            await _leases.RenewAsync(driver.HostId, _agent, bound.Token);
            _isolation.Renewed(driver.HostId, startedAt);
            if (!_declaredDown.ContainsKey(driver.HostId))
            {
                driver.RenewLease(sentAt + _options.IsolationTimeout);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogLeaseNotRenewed(driver.HostId, e.GetType().Name, e.Message);
        }
    }

    /// <summary>
    /// Retries quickly within the interval: when the coordinator moves to another silo, every lost second counts
    /// against the isolation timeout.
    /// </summary>
    private async Task<HeartbeatAck> AcknowledgedHeartbeatAsync(IFailoverCoordinatorGrain coordinator, HostHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await coordinator.HeartbeatAsync(heartbeat, _silo);
            }
            catch (Exception e) when (attempt < MaxHeartbeatAttempts && e is not OperationCanceledException)
            {
                await Task.Delay(RetryDelay, _time, cancellationToken);
            }
        }
    }

    private async Task ReportAsync(IHostGrain host, EpochFencedDriver driver, HostHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var stray in await host.HeartbeatAsync(heartbeat))
            {
                LogStrayStopped(heartbeat.HostId, stray.VmId, stray.Epoch);
                await driver.StopAsync(stray.VmId, stray.Epoch, cancellationToken);
            }
        }
        catch (Exception e)
        {
            LogHeartbeatFailed(heartbeat.HostId, e.GetType().Name, e.Message);
        }
    }

    private static HostLoad LoadOf(ResourceAmounts capacity, IReadOnlyList<GuestStatus> guests) => new(
        capacity.Vcpus == 0 ? 0 : guests.Sum(g => g.CpuDemand) / capacity.Vcpus,
        capacity.MemoryMib == 0 ? 0 : (double)guests.Sum(g => g.MemoryUsedMib) / capacity.MemoryMib,
        guests.Count(g => g.Running));

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
