using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;
using HostGrid.Grains.Placement;
using HostGrid.Hypervisor;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace HostGrid.Grains.Hosts;

/// <summary>
/// The command channel to the hypervisor of one host, living on the agent that serves it. Reentrant: a migration's
/// pre-copy runs for seconds while other guests start and stop; the epoch-fenced driver orders hypervisor commands.
/// </summary>
[HostAffinityPlacement, Reentrant]
public sealed partial class HostAgentGrain : Grain, IHostAgentGrain
{
    /// <summary>How often a running migration's newest progress goes to its operation record.</summary>
    private static readonly TimeSpan ProgressPeriod = TimeSpan.FromMilliseconds(250);

    private readonly LocalHypervisors _hypervisors;
    private readonly ILogger<HostAgentGrain> _logger;
    private readonly Dictionary<string, CancellationTokenSource> _outgoing = [];
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

    public Task StartGuestAsync(VmId vmId, GuestSpec spec, long epoch) =>
        FencedAsync(vmId, epoch, async () =>
        {
            await _driver.StartAsync(vmId, spec, epoch, CancellationToken.None);
            LogGuestStarted(HostId, vmId, epoch);
        });

    public Task StopGuestAsync(VmId vmId, long epoch) =>
        FencedAsync(vmId, epoch, async () =>
        {
            await _driver.StopAsync(vmId, epoch, CancellationToken.None);
            LogGuestStopped(HostId, vmId, epoch);
        });

    public Task DeleteGuestAsync(VmId vmId, GuestSpec spec, long epoch) =>
        FencedAsync(vmId, epoch, async () =>
        {
            await _driver.DeleteAsync(vmId, spec, epoch, CancellationToken.None);
            LogGuestDeleted(HostId, vmId, epoch);
        });

    public Task<IReadOnlyList<GuestStatus>> ListGuestsAsync() => _driver.ListAsync(CancellationToken.None);

    public Task<MigrationEndpoint> PrepareIncomingAsync(MigrationTicket ticket, GuestSpec spec) =>
        FencedAsync(ticket.VmId, ticket.TargetEpoch, () => _driver.PrepareIncomingAsync(ticket, spec, CancellationToken.None));

    public async Task<MigrationResult> MigrateOutAsync(MigrationTicket ticket, MigrationEndpoint destination)
    {
        using var cancel = new CancellationTokenSource();
        _outgoing[ticket.OperationId] = cancel;
        var progress = new LatestProgress();
        var operation = GrainFactory.GetGrain<IOperationGrain>(ticket.OperationId);
        LogMigrationOutStarted(HostId, ticket.VmId, ticket.OperationId, destination.Address, destination.Port);
        try
        {
            var run = _driver.MigrateOutAsync(ticket, destination, progress, cancel.Token);
            // Bounded by the driver's own MigrationOptions.Timeout: the loop ends when the run does. A report is not
            // waited for: the switch-over may end the run meanwhile, and a lost report must not fail the move.
            Task reported = Task.CompletedTask;
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(ProgressPeriod));
                if (!run.IsCompleted && reported.IsCompleted && progress.Take() is { } latest)
                {
                    reported = operation.ReportProgressAsync(latest);
                    reported.Ignore();
                }
            }

            var result = await run;
            LogMigrationOutFinished(HostId, ticket.VmId, result.Rounds, result.BytesSent, result.SwitchOverDuration.TotalMilliseconds);
            return result;
        }
        catch (StaleEpochException e)
        {
            LogStaleCommand(HostId, ticket.VmId, e.Epoch, e.Current);
            throw;
        }
        catch (Exception e)
        {
            LogMigrationOutFailed(HostId, ticket.VmId, ticket.OperationId, e.Message);
            throw;
        }
        finally
        {
            _outgoing.Remove(ticket.OperationId);
        }
    }

    public Task CancelMigrationAsync(string operationId)
    {
        if (_outgoing.TryGetValue(operationId, out var cancel))
        {
            cancel.Cancel();
        }

        return Task.CompletedTask;
    }

    public Task<MigrationResult> StartPostCopyAsync(MigrationTicket ticket) =>
        FencedAsync(ticket.VmId, ticket.SourceEpoch, () => _driver.StartPostCopyAsync(ticket, CancellationToken.None));

    public Task ConfirmIncomingAsync(MigrationTicket ticket) =>
        FencedAsync(ticket.VmId, ticket.TargetEpoch, () => _driver.ConfirmIncomingAsync(ticket, CancellationToken.None));

    public Task ActivateIncomingAsync(MigrationTicket ticket) =>
        FencedAsync(ticket.VmId, ticket.TargetEpoch, async () =>
        {
            await _driver.ActivateIncomingAsync(ticket, CancellationToken.None);
            LogGuestStarted(HostId, ticket.VmId, ticket.TargetEpoch);
        });

    public Task AbortIncomingAsync(MigrationTicket ticket) =>
        FencedAsync(ticket.VmId, ticket.TargetEpoch, () => _driver.AbortIncomingAsync(ticket, CancellationToken.None));

    public Task ResumeGuestAsync(MigrationTicket ticket) =>
        FencedAsync(ticket.VmId, ticket.SourceEpoch, () => _driver.ResumeAsync(ticket, CancellationToken.None));

    /// <summary>Runs a driver command, logging a refusal for a stale epoch before passing it on.</summary>
    private async Task<T> FencedAsync<T>(VmId vmId, long epoch, Func<Task<T>> command)
    {
        try
        {
            return await command();
        }
        catch (StaleEpochException e)
        {
            LogStaleCommand(HostId, vmId, e.Epoch, e.Current);
            throw;
        }
    }

    private Task FencedAsync(VmId vmId, long epoch, Func<Task> command) =>
        FencedAsync(vmId, epoch, async () =>
        {
            await command();
            return true;
        });
}
