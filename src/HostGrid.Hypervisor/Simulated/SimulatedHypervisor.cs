using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Migration;
using Microsoft.Extensions.Options;

namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// A hypervisor in memory: guests are records with a synthetic load. Guests end with the process, like real
/// guests on a server that lost power. Every start and stop goes to the <see cref="GuestLedger"/>, and so does a pause for a
/// switch-over (as a stop: a paused copy does not run) and the resume after a failed one (as a start at the same epoch).
/// Live migration moves a guest's memory (page versions, see <see cref="GuestMemory"/>) over TCP to another instance, while a
/// <see cref="DirtyingWorkload"/> keeps writing it.
/// </summary>
public sealed class SimulatedHypervisor : IHypervisorDriver, IDisposable
{
    private static readonly TimeSpan OutgoingStopWait = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<VmId, SimulatedGuest> _guests = new();
    private readonly ConcurrentDictionary<VmId, PageReceiver> _incoming = new();
    private readonly ConcurrentDictionary<VmId, Outgoing> _outgoing = new();
    private readonly SimulatedHypervisorOptions _options;
    private readonly MigrationOptions _migration;
    private readonly TimeProvider _time;
    private readonly GuestLedger _ledger;
    private readonly IPAddress _listenAddress;
    private readonly Lock _lock = new();

    public SimulatedHypervisor(HostId hostId, SimulatedHypervisorOptions options, TimeProvider time, MigrationOptions? migration = null)
    {
        var invalid = new SimulatedHypervisorOptionsValidator().Validate(null, options);
        if (invalid.Failed)
        {
            throw new OptionsValidationException(SimulatedHypervisorOptions.SectionName, typeof(SimulatedHypervisorOptions), invalid.Failures);
        }

        HostId = hostId;
        _options = options;
        _migration = migration ?? new MigrationOptions();
        _time = time;
        _listenAddress = IPAddress.Parse(options.MigrationListenAddress);
        _ledger = new GuestLedger(options.LedgerDirectory, hostId);
    }

    public HostId HostId { get; }

    /// <summary>When set, health checks fail: the hypervisor is broken while the agent lives (for tests).</summary>
    public bool Broken { get; set; }

    /// <summary>Failures to inject into this hypervisor's migrations, as source or destination (for tests).</summary>
    public SimulatedMigrationFaults MigrationFaults { get; } = new();

    public async Task StartAsync(VmId vmId, GuestSpec spec, long epoch, CancellationToken cancellationToken)
    {
        if (_guests.TryGetValue(vmId, out var existing))
        {
            if (existing.Epoch == epoch)
            {
                return; // already here at this epoch: a retried command (a paused copy stays paused until resumed)
            }

            await StopAsync(vmId, cancellationToken);
        }

        await Task.Delay(_options.StartLatency, _time, cancellationToken);
        _guests[vmId] = new SimulatedGuest(vmId, spec, epoch, _time.GetUtcNow());
        _ledger.Record("start", HostId, vmId, epoch, _time.GetUtcNow());
    }

    public async Task StopAsync(VmId vmId, CancellationToken cancellationToken)
    {
        if (!_guests.TryGetValue(vmId, out var guest))
        {
            return;
        }

        await StopOutgoingAsync(vmId, cancellationToken);
        await Task.Delay(_options.StartLatency, _time, cancellationToken);
        lock (_lock)
        {
            if (_guests.TryRemove(new KeyValuePair<VmId, SimulatedGuest>(vmId, guest)) && !guest.Paused)
            {
                _ledger.Record("stop", HostId, vmId, guest.Epoch, _time.GetUtcNow());
            }
        }
    }

    /// <summary>Simulated guests have no disks: deleting one is stopping it.</summary>
    public Task DeleteAsync(VmId vmId, GuestSpec spec, CancellationToken cancellationToken) => StopAsync(vmId, cancellationToken);

    /// <summary>Running guests and paused ones (Running false). Incoming copies are not guests until activated.</summary>
    public Task<IReadOnlyList<GuestStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<GuestStatus> list = _guests.Values
            .OrderBy(g => g.VmId.Value, StringComparer.Ordinal)
            .Select(g => new GuestStatus(g.VmId, g.Epoch, Running: !g.Paused, g.Paused ? 0 : g.CpuDemand(now), g.MemoryUsedMib(now)))
            .ToList();
        return Task.FromResult(list);
    }

    public Task<bool> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(!Broken);

    public async Task<MigrationEndpoint> PrepareIncomingAsync(MigrationTicket ticket, GuestSpec spec, CancellationToken cancellationToken)
    {
        if (MigrationFaults.FailPrepareIncoming)
        {
            throw new MigrationFailedException($"{HostId} cannot prepare to receive vm {ticket.VmId} (injected fault)");
        }

        if (_guests.TryGetValue(ticket.VmId, out var local))
        {
            throw new MigrationFailedException($"vm {ticket.VmId} already has a copy on {HostId} (epoch {local.Epoch}); it cannot migrate here");
        }

        if (_incoming.TryGetValue(ticket.VmId, out var existing))
        {
            if (existing.Ticket == ticket && existing.State != IncomingState.Failed)
            {
                return existing.Endpoint; // a retried prepare
            }

            await DropIncomingAsync(ticket.VmId, existing);
        }

        var receiver = PageReceiver.Start(ticket, spec, _listenAddress, _migration.Timeout, _time);
        if (!_incoming.TryAdd(ticket.VmId, receiver))
        {
            await receiver.DisposeAsync();
            throw new MigrationFailedException($"vm {ticket.VmId} is being prepared on {HostId} by another operation");
        }

        return receiver.Endpoint;
    }

    public async Task<MigrationResult> MigrateOutAsync(
        MigrationTicket ticket, MigrationEndpoint destination, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken)
    {
        if (!_guests.TryGetValue(ticket.VmId, out var guest) || guest.Epoch != ticket.SourceEpoch)
        {
            throw new MigrationFailedException(Invariant($"vm {ticket.VmId} does not run on {HostId} at epoch {ticket.SourceEpoch}"));
        }

        if (guest.Paused)
        {
            return guest.Completed is { } done && done.OperationId == ticket.OperationId
                ? done.Result // a retried call after the copy was verified
                : throw new MigrationFailedException($"vm {ticket.VmId} is paused on {HostId} by another migration");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outgoing = new Outgoing(ticket.OperationId, stop, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_outgoing.TryAdd(ticket.VmId, outgoing))
        {
            throw new MigrationFailedException($"vm {ticket.VmId} is already migrating from {HostId}");
        }

        try
        {
            var (memory, workload) = MemoryOf(guest);
            var migration = new OutgoingMigration(ticket, memory, workload, _migration, _options, MigrationFaults, _time, progress, () => Pause(guest));
            try
            {
                var result = await migration.RunAsync(destination, stop.Token);
                result = MigrationFaults.HandOverToPostCopy ? result with { PostCopy = true } : result;
                guest.Completed = new CompletedMigration(ticket.OperationId, result);
                return result;
            }
            catch (Exception e) when (e is MigrationFailedException or OperationCanceledException)
            {
                RunAgain(guest);
                if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    throw new MigrationFailedException($"migration of vm {ticket.VmId} stopped on {HostId} in {migration.Phase} (guest stopped or resumed)");
                }

                throw;
            }
        }
        finally
        {
            _outgoing.TryRemove(new KeyValuePair<VmId, Outgoing>(ticket.VmId, outgoing));
            outgoing.Done.TrySetResult();
        }
    }

    /// <summary>Its pre-copy converges or fails; only a test's <see cref="SimulatedMigrationFaults.HandOverToPostCopy"/> gets here.</summary>
    public Task<MigrationResult> StartPostCopyAsync(MigrationTicket ticket, CancellationToken cancellationToken) =>
        !MigrationFaults.FailPostCopySwitch && _guests.TryGetValue(ticket.VmId, out var guest)
            && guest.Completed is { Result.PostCopy: true } done && done.OperationId == ticket.OperationId
            ? Task.FromResult(done.Result)
            : throw new MigrationFailedException($"{HostId} has no move of vm {ticket.VmId} ({ticket.OperationId}) waiting for post-copy");

    /// <summary>The copy is verified page by page at the switch-over already: this only checks it is still here.</summary>
    public Task ConfirmIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        if (_guests.TryGetValue(ticket.VmId, out var running) && running.Epoch == ticket.TargetEpoch)
        {
            return Task.CompletedTask; // already activated
        }

        if (!_incoming.TryGetValue(ticket.VmId, out var receiver) || receiver.Ticket.OperationId != ticket.OperationId)
        {
            throw new MigrationFailedException($"{HostId} holds no incoming copy of vm {ticket.VmId} for operation {ticket.OperationId}");
        }

        return receiver.State == IncomingState.Verified
            ? Task.CompletedTask
            : throw new MigrationFailedException($"{HostId} holds no verified copy of vm {ticket.VmId}: {receiver.Failure ?? receiver.State.ToString()}");
    }

    public async Task ActivateIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        if (_guests.TryGetValue(ticket.VmId, out var running) && running.Epoch == ticket.TargetEpoch)
        {
            return; // already activated
        }

        if (MigrationFaults.FailActivateIncoming)
        {
            throw new MigrationFailedException($"{HostId} cannot activate vm {ticket.VmId} (injected fault)");
        }

        if (!_incoming.TryGetValue(ticket.VmId, out var receiver) || receiver.Ticket.OperationId != ticket.OperationId)
        {
            throw new MigrationFailedException($"{HostId} holds no incoming copy of vm {ticket.VmId} for operation {ticket.OperationId}");
        }

        if (receiver.State != IncomingState.Verified)
        {
            throw new MigrationFailedException($"{HostId} holds no verified copy of vm {ticket.VmId}: {receiver.Failure ?? receiver.State.ToString()}");
        }

        if (running is not null)
        {
            await StopAsync(ticket.VmId, cancellationToken); // an older local copy never runs beside the new one
        }

        var guest = new SimulatedGuest(ticket.VmId, receiver.Spec, ticket.TargetEpoch, _time.GetUtcNow());
        var memory = receiver.Memory; // the verified copy itself: the guest is paused, so no copy of its table
        guest.Memory = memory;
        guest.Workload = Workload(guest, memory);
        lock (_lock)
        {
            _guests[ticket.VmId] = guest;
            _ledger.Record("start", HostId, ticket.VmId, ticket.TargetEpoch, _time.GetUtcNow());
        }

        await DropIncomingAsync(ticket.VmId, receiver);
    }

    public async Task AbortIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        if (_incoming.TryGetValue(ticket.VmId, out var receiver) && receiver.Ticket.OperationId == ticket.OperationId)
        {
            await DropIncomingAsync(ticket.VmId, receiver);
        }
    }

    public async Task ResumeAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        await StopOutgoingAsync(ticket.VmId, cancellationToken);
        if (!_guests.TryGetValue(ticket.VmId, out var guest) || guest.Epoch != ticket.SourceEpoch)
        {
            throw new MigrationFailedException(Invariant($"vm {ticket.VmId} has no copy on {HostId} at epoch {ticket.SourceEpoch} to resume"));
        }

        RunAgain(guest);
    }

    public void Dispose()
    {
        foreach (var outgoing in _outgoing.Values)
        {
            outgoing.Stop.Cancel();
        }

        foreach (var (vmId, receiver) in _incoming)
        {
            if (_incoming.TryRemove(new KeyValuePair<VmId, PageReceiver>(vmId, receiver)))
            {
                receiver.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        _ledger.Dispose();
    }

    /// <summary>The page versions of a guest here (created at first use), for tests.</summary>
    internal long[]? PageVersions(VmId vmId) => _guests.TryGetValue(vmId, out var guest) ? MemoryOf(guest).Memory.Versions() : null;

    /// <summary>Where an incoming copy of the guest stands, or null if there is none, for tests.</summary>
    internal IncomingState? IncomingStateOf(VmId vmId) => _incoming.TryGetValue(vmId, out var receiver) ? receiver.State : null;

    /// <summary>The guest's memory and workload, created at first use.</summary>
    private (GuestMemory Memory, DirtyingWorkload Workload) MemoryOf(SimulatedGuest guest)
    {
        lock (_lock)
        {
            var memory = guest.Memory ??= new GuestMemory(guest.VmId, guest.Spec.Resources.MemoryMib);
            var workload = guest.Workload ??= Workload(guest, memory);
            return (memory, workload);
        }
    }

    private DirtyingWorkload Workload(SimulatedGuest guest, GuestMemory memory)
    {
        var rate = Label(guest.Spec, SimulatedHypervisorOptions.DirtyRateLabel, _options.DirtyRateMibPerSecond, 0, 1_000_000);
        var hot = Label(guest.Spec, SimulatedHypervisorOptions.HotSetLabel, _options.HotSetFraction, double.Epsilon, 1);
        var seed = _options.DirtySeed ?? (int)(memory.Seed & int.MaxValue);
        return new DirtyingWorkload(memory, rate, hot, _options.HotWriteFraction, seed, _time);
    }

    private static double Label(GuestSpec spec, string label, double fallback, double min, double max) =>
        spec.Labels.TryGetValue(label, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max
            ? value
            : fallback;

    /// <summary>Pauses the guest for the switch-over: it stops writing and, for the ledger, stops running.</summary>
    private DateTimeOffset Pause(SimulatedGuest guest)
    {
        lock (_lock)
        {
            if (!_guests.TryGetValue(guest.VmId, out var current) || !ReferenceEquals(current, guest))
            {
                throw new MigrationFailedException($"vm {guest.VmId} was stopped on {HostId} during its migration");
            }

            guest.Workload?.Pause();
            guest.Paused = true;
            var now = _time.GetUtcNow();
            _ledger.Record("stop", HostId, guest.VmId, guest.Epoch, now);
            return now;
        }
    }

    /// <summary>Runs a paused guest again (ledger start at its epoch); no-op if it runs or is gone.</summary>
    private void RunAgain(SimulatedGuest guest)
    {
        lock (_lock)
        {
            guest.Completed = null;
            guest.Workload?.Resume();
            if (!guest.Paused)
            {
                return;
            }

            guest.Paused = false;
            if (_guests.TryGetValue(guest.VmId, out var current) && ReferenceEquals(current, guest))
            {
                _ledger.Record("start", HostId, guest.VmId, guest.Epoch, _time.GetUtcNow());
            }
        }
    }

    /// <summary>Cancels the guest's outgoing migration, if any, and waits (bounded) until it has put the guest back.</summary>
    private async Task StopOutgoingAsync(VmId vmId, CancellationToken cancellationToken)
    {
        if (_outgoing.TryGetValue(vmId, out var outgoing))
        {
            await outgoing.Stop.CancelAsync();
            await outgoing.Done.Task.WaitAsync(OutgoingStopWait, _time, cancellationToken);
        }
    }

    private async Task DropIncomingAsync(VmId vmId, PageReceiver receiver)
    {
        _incoming.TryRemove(new KeyValuePair<VmId, PageReceiver>(vmId, receiver));
        await receiver.DisposeAsync();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Outgoing(string OperationId, CancellationTokenSource Stop, TaskCompletionSource Done);
}
