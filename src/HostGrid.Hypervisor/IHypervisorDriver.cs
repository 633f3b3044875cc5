namespace HostGrid.Hypervisor;

/// <summary>
/// One host's hypervisor. Only the agent calls it, through <c>IHostAgentGrain</c>, and every driver is wrapped
/// in <see cref="EpochFencedDriver"/> so stale commands never reach it.
/// </summary>
public interface IHypervisorDriver
{
    HostId HostId { get; }

    /// <summary>Starts the guest at this epoch. A copy already running at an older epoch is stopped first.</summary>
    Task StartAsync(VmId vmId, GuestSpec spec, long epoch, CancellationToken cancellationToken);

    /// <summary>Stops the guest if it runs. Idempotent.</summary>
    Task StopAsync(VmId vmId, CancellationToken cancellationToken);

    /// <summary>The guests the hypervisor runs, with their epochs and load.</summary>
    Task<IReadOnlyList<GuestStatus>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Whether the hypervisor itself works; a host whose hypervisor fails is Down even while its agent lives.</summary>
    Task<bool> CheckHealthAsync(CancellationToken cancellationToken);
}
