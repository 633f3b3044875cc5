using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;

namespace HostGrid.Grains.Operations;

/// <summary>
/// The user-visible record of one long-running operation. Its runner saves it at every phase change; the migration's
/// data plane streams progress in between, kept in memory only (it changes many times a second).
/// </summary>
public sealed class OperationGrain : Grain, IOperationGrain
{
    private readonly IPersistentState<OperationRecord> _record;
    private MigrationProgress? _liveProgress;

    public OperationGrain([PersistentState("operation", HostGridStorage.ProviderName)] IPersistentState<OperationRecord> record) =>
        _record = record;

    private string OperationId => this.GetPrimaryKeyString();

    public async Task SaveAsync(OperationSnapshot snapshot)
    {
        var first = _record.State.Snapshot is null;
        _record.State.Snapshot = snapshot.Progress is null && _liveProgress is not null ? snapshot with { Progress = _liveProgress } : snapshot;
        await _record.WriteStateAsync();
        if (first)
        {
            await GrainFactory.GetGrain<IOperationIndexGrain>(IOperationIndexGrain.Key).AddAsync(OperationId);
        }
    }

    public Task ReportProgressAsync(MigrationProgress progress)
    {
        if (_record.State.Snapshot is { IsFinished: false })
        {
            _liveProgress = progress;
        }

        return Task.CompletedTask;
    }

    public Task<OperationSnapshot> GetAsync() => Task.FromResult(Current());

    public async Task<OperationSnapshot> CancelAsync()
    {
        var snapshot = Current();
        if (snapshot.IsFinished)
        {
            throw new InvalidStateException($"operation {OperationId} has already finished ({snapshot.State})");
        }

        var cancel = snapshot.Kind switch
        {
            OperationKind.Migrate => GrainFactory.GetGrain<IVmGrain>(snapshot.VmId!.Value.Value).CancelMigrationAsync(OperationId),
            OperationKind.Drain => GrainFactory.GetGrain<IMaintenanceGrain>(snapshot.SourceHost!.Value.Value).CancelDrainAsync(OperationId),
            _ => GrainFactory.GetGrain<Contracts.Rebalancing.IRebalancerGrain>(Contracts.Rebalancing.IRebalancerGrain.Key).CancelAsync(OperationId),
        };
        await cancel;

        return Current();
    }

    /// <summary>The saved snapshot with the newest live figures of a running migration.</summary>
    private OperationSnapshot Current()
    {
        var saved = _record.State.Snapshot ?? throw new OperationNotFoundException(OperationId);
        if (saved.IsFinished || _liveProgress is not { } live)
        {
            return saved;
        }

        // The data plane knows when switch-over starts before the runner saves it.
        var phase = saved.Phase == MigrationPhase.PreCopy && live.Phase == MigrationPhase.SwitchOver ? live.Phase : saved.Phase;
        return saved with { Progress = live, Phase = phase };
    }
}
