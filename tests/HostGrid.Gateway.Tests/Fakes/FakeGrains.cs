using HostGrid.Contracts.Failover;
using HostGrid.Contracts.Migration;
using HostGrid.Contracts.Operations;

namespace HostGrid.Gateway.Tests.Fakes;

/// <summary>An operation record: null snapshot means unknown id (NOT_FOUND), as the real grain answers.</summary>
internal sealed class FakeOperationGrain(string id, OperationSnapshot? snapshot) : IOperationGrain
{
    public int Reads { get; private set; }

    public int Cancels { get; private set; }

    public Task<OperationSnapshot> GetAsync()
    {
        Reads++;
        return Task.FromResult(snapshot ?? throw new OperationNotFoundException(id));
    }

    public Task<OperationSnapshot> CancelAsync()
    {
        Cancels++;
        var current = snapshot ?? throw new OperationNotFoundException(id);
        if (current.IsFinished)
        {
            throw new InvalidStateException($"operation {id} has finished ({current.State})");
        }

        snapshot = current with { CancelRequested = true };
        return Task.FromResult(snapshot);
    }

    public Task SaveAsync(OperationSnapshot snapshot) => throw new NotSupportedException();

    public Task ReportProgressAsync(MigrationProgress progress) => throw new NotSupportedException();
}

internal sealed class FakeOperationIndexGrain(params string[] ids) : IOperationIndexGrain
{
    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(ids);

    public Task AddAsync(string operationId) => throw new NotSupportedException();
}

/// <summary>A guest whose migrate answers with <paramref name="migrate"/> (which may throw) and records the target asked for.</summary>
internal sealed class FakeVmGrain(Func<HostId?, OperationSnapshot> migrate) : IVmGrain
{
    public List<HostId?> MigrateTargets { get; } = [];

    public Task<OperationSnapshot> MigrateAsync(HostId? target)
    {
        MigrateTargets.Add(target);
        return Task.FromResult(migrate(target));
    }

    public Task CancelMigrationAsync(string operationId) => throw new NotSupportedException();

    public Task<VmSnapshot> CreateAsync(CreateVmCommand command) => throw new NotSupportedException();

    public Task<VmSnapshot> GetAsync() => throw new NotSupportedException();

    public Task<VmSnapshot> StartAsync() => throw new NotSupportedException();

    public Task<VmSnapshot> StopAsync() => throw new NotSupportedException();

    public Task<VmFailoverOutcome> FailOverAsync(HostId deadHost) => throw new NotSupportedException();

    public Task RetryPendingAsync() => throw new NotSupportedException();

    public Task GuestLostAsync(HostId host) => throw new NotSupportedException();

    public Task DeleteAsync() => throw new NotSupportedException();
}

/// <summary>A host record; null snapshot means unknown host. Maintenance flips as the fake maintenance grain says.</summary>
internal sealed class FakeHostGrain(HostId id, HostSnapshot? snapshot) : IHostGrain
{
    public HostSnapshot? Snapshot { get; set; } = snapshot;

    public Task<HostSnapshot> GetSnapshotAsync() => Task.FromResult(Snapshot ?? throw new HostNotFoundException(id));

    public Task<IReadOnlyList<GuestStatus>> GetGuestLoadsAsync() => throw new NotSupportedException();

    public Task RegisterAsync(HostRegistration registration) => throw new NotSupportedException();

    public Task<IReadOnlyList<GuestStatus>> HeartbeatAsync(HostHeartbeat heartbeat) => throw new NotSupportedException();

    public Task<ReservationResult> TryReserveAsync(Reservation reservation) => throw new NotSupportedException();

    public Task SetDownAsync(bool down) => throw new NotSupportedException();

    public Task SetMaintenanceAsync(bool maintenance) => throw new NotSupportedException();

    public Task ReleaseAsync(VmId vmId) => throw new NotSupportedException();
}

/// <summary>Enter marks <paramref name="host"/> in maintenance and answers <paramref name="drain"/>; exit clears it.</summary>
internal sealed class FakeMaintenanceGrain(FakeHostGrain host, OperationSnapshot drain) : IMaintenanceGrain
{
    public List<string> Calls { get; } = [];

    public FakeHostGrain Host => host;

    public Task<OperationSnapshot> EnterAsync()
    {
        Calls.Add("enter");
        host.Snapshot = host.Snapshot! with { Maintenance = true };
        return Task.FromResult(drain);
    }

    public Task ExitAsync()
    {
        Calls.Add("exit");
        host.Snapshot = host.Snapshot! with { Maintenance = false };
        return Task.CompletedTask;
    }

    public Task CancelDrainAsync(string operationId) => throw new NotSupportedException();
}
