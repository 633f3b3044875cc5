using HostGrid.Contracts.Errors;
using HostGrid.Grains.Placement;
using HostGrid.Hypervisor;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Hosts;

/// <summary>The command channel to the hypervisor of one host, living on the agent that serves it.</summary>
[HostAffinityPlacement]
public sealed partial class HostAgentGrain : Grain, IHostAgentGrain
{
    private readonly LocalHypervisors _hypervisors;
    private readonly ILogger<HostAgentGrain> _logger;
    private EpochFencedDriver _driver = null!;

    public HostAgentGrain(LocalHypervisors hypervisors, ILogger<HostAgentGrain> logger)
    {
        _hypervisors = hypervisors;
        _logger = logger;
    }

    private HostId HostId => new(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placement chose this silo from metadata; refuse if this agent does not actually serve the host.
        if (!_hypervisors.TryGet(HostId, out _driver))
        {
            throw new HostUnreachableException(HostId, "this agent does not serve the host");
        }

        return Task.CompletedTask;
    }

    public async Task StartGuestAsync(VmId vmId, GuestSpec spec, long epoch)
    {
        try
        {
            await _driver.StartAsync(vmId, spec, epoch, CancellationToken.None);
            LogGuestStarted(HostId, vmId, epoch);
        }
        catch (StaleEpochException e)
        {
            LogStaleCommand(HostId, vmId, e.Epoch, e.Current);
            throw;
        }
    }

    public async Task StopGuestAsync(VmId vmId, long epoch)
    {
        try
        {
            await _driver.StopAsync(vmId, epoch, CancellationToken.None);
            LogGuestStopped(HostId, vmId, epoch);
        }
        catch (StaleEpochException e)
        {
            LogStaleCommand(HostId, vmId, e.Epoch, e.Current);
            throw;
        }
    }

    public Task<IReadOnlyList<GuestStatus>> ListGuestsAsync() => _driver.ListAsync(CancellationToken.None);
}
