using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;
using HostGrid.Hypervisor.Qemu.Guests;
using HostGrid.Hypervisor.Qemu.Qmp;

namespace HostGrid.Hypervisor.Qemu;

// Live migration through QEMU's own stream. The destination runs the same machine with -S -incoming defer and listens with
// migrate-incoming; the source runs migrate with HostGrid's downtime limit, bandwidth and throttle settings. The destination
// stays paused (-S) after the stream ends: ConfirmIncoming checks the whole state arrived, the VM grain commits, and only then
// ActivateIncoming runs it (cont). So a move that fails to commit never leaves a destination copy that ran.
public sealed partial class QemuHypervisor
{
    private static readonly TimeSpan ProgressPollPeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(10);
    private static readonly string[] FinalStates = ["completed", "failed", "cancelled"];

    public async Task<MigrationEndpoint> PrepareIncomingAsync(MigrationTicket ticket, GuestSpec spec, CancellationToken cancellationToken)
    {
        await EnsureAdoptedAsync(cancellationToken);
        if (_incoming.TryGetValue(ticket.VmId, out var existing))
        {
            if (existing.Record.IncomingOperation == ticket.OperationId && existing.Endpoint is { } endpoint && existing.IsAlive)
            {
                return endpoint; // asked again for the same move
            }

            await ShutDownAsync(_incoming, existing, graceful: false, cancellationToken);
        }

        var guest = await LaunchAsync(ticket.VmId, spec, ticket.TargetEpoch, ticket.OperationId, cancellationToken);
        try
        {
            await SetCapabilitiesAsync(guest.Qmp, autoConverge: false, cancellationToken);
            await guest.Qmp.ExecuteAsync("migrate-incoming", new JsonObject { ["uri"] = $"tcp:{_options.MigrationListenAddress}:0" }, cancellationToken);
            var info = await guest.Qmp.ExecuteAsync("query-migrate", null, cancellationToken);
            guest.Endpoint = new MigrationEndpoint(_options.MigrationListenAddress, ListeningPort(info), ticket.OperationId);
            _incoming[ticket.VmId] = guest;
            return guest.Endpoint;
        }
        catch
        {
            await ShutDownAsync(_incoming, guest, graceful: false, CancellationToken.None);
            throw;
        }
    }

    public async Task<MigrationResult> MigrateOutAsync(MigrationTicket ticket, MigrationEndpoint destination, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken)
    {
        await EnsureAdoptedAsync(cancellationToken);
        if (!_guests.TryGetValue(ticket.VmId, out var guest) || guest.Epoch != ticket.SourceEpoch || !guest.IsAlive)
        {
            throw new MigrationFailedException(Invariant($"{HostId} runs no copy of vm {ticket.VmId} at epoch {ticket.SourceEpoch} to migrate"));
        }

        var qmp = guest.Qmp;
        await SetCapabilitiesAsync(qmp, _migration.AutoConverge, cancellationToken);
        await qmp.ExecuteAsync("migrate-set-parameters", MigrationParameters(), cancellationToken);
        // Both waits start before the command, so neither event can slip by.
        var paused = qmp.WaitForEventAsync("STOP", null, _migration.Timeout, cancellationToken);
        var finished = qmp.WaitForEventAsync("MIGRATION", e => FinalStates.Contains(MigrationStatus(e.Data)), _migration.Timeout, cancellationToken);
        Observe(paused);
        Observe(finished);
        var started = _time.GetUtcNow();
        try
        {
            await qmp.ExecuteAsync("migrate", new JsonObject { ["uri"] = $"tcp:{destination.Address}:{destination.Port.ToString(CultureInfo.InvariantCulture)}" }, cancellationToken);
            while (!finished.IsCompleted)
            {
                await Task.WhenAny(finished, Task.Delay(ProgressPollPeriod, _time, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                if (finished.IsCompleted)
                {
                    break;
                }

                var info = await qmp.ExecuteAsync("query-migrate", null, cancellationToken);
                var rounds = (int)Long(info.TryGetProperty("ram", out var ram) ? ram : default, "dirty-sync-count");
                progress?.Report(Progress(info, paused.IsCompleted));
                if (!_migration.AutoConverge && rounds > _migration.MaxRounds)
                {
                    throw new MigrationFailedException(Invariant($"vm {ticket.VmId} did not converge in {_migration.MaxRounds} rounds (auto-converge off)"));
                }

                if (_time.GetUtcNow() - started > _migration.Timeout)
                {
                    throw new MigrationFailedException(Invariant($"vm {ticket.VmId} did not finish migrating within {_migration.Timeout.TotalSeconds:F0} s"));
                }
            }

            var ended = await finished;
            var status = MigrationStatus(ended.Data);
            // One query for the RAM figures; the guest is paused on both sides meanwhile, so no retries here.
            var final = await qmp.ExecuteAsync("query-migrate", null, cancellationToken);
            if (status != "completed")
            {
                throw new MigrationFailedException($"QEMU migration of vm {ticket.VmId} {status}: {Text(final, "error-desc") ?? "no reason given"}");
            }

            return Result(final, paused, ended.Timestamp, started);
        }
        catch (Exception e)
        {
            await CancelOutgoingAsync(guest);
            LogMigrationFailed(HostId, ticket.VmId, ticket.OperationId, e.Message);
            if (e is MigrationFailedException or OperationCanceledException)
            {
                throw;
            }

            throw new MigrationFailedException($"migration of vm {ticket.VmId} from {HostId} failed: {e.Message}");
        }
    }

    public async Task ConfirmIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        if (_guests.TryGetValue(ticket.VmId, out var running) && running.Epoch == ticket.TargetEpoch)
        {
            return; // already activated
        }

        await WaitIncomingCompleteAsync(IncomingCopy(ticket), cancellationToken);
    }

    public async Task ActivateIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        if (_guests.TryGetValue(ticket.VmId, out var running) && running.Epoch == ticket.TargetEpoch)
        {
            return; // already activated
        }

        var guest = IncomingCopy(ticket);
        if (!guest.IncomingComplete)
        {
            await WaitIncomingCompleteAsync(guest, cancellationToken);
        }

        if (running is not null)
        {
            await ShutDownAsync(_guests, running, graceful: false, cancellationToken); // an older local copy never runs beside it
        }

        // The guest is paused here until now: the pause ends with this command (cont starts the vCPUs before it replies).
        await guest.Qmp.ExecuteAsync("cont", null, cancellationToken);

        guest.Record = guest.Record with { IncomingOperation = null };
        guest.Record.Save(guest.Files);
        _incoming.TryRemove(new KeyValuePair<VmId, QemuGuest>(ticket.VmId, guest));
        _guests[ticket.VmId] = guest;
        LogGuestStarted(HostId, ticket.VmId, ticket.TargetEpoch, guest.Pid, _accelerator);
    }

    public async Task AbortIncomingAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        if (_incoming.TryGetValue(ticket.VmId, out var guest) && guest.Record.IncomingOperation == ticket.OperationId)
        {
            await ShutDownAsync(_incoming, guest, graceful: false, cancellationToken);
        }
    }

    public async Task ResumeAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        await EnsureAdoptedAsync(cancellationToken);
        if (!_guests.TryGetValue(ticket.VmId, out var guest) || guest.Epoch != ticket.SourceEpoch || !guest.IsAlive)
        {
            throw new MigrationFailedException(Invariant($"vm {ticket.VmId} has no copy on {HostId} at epoch {ticket.SourceEpoch} to resume"));
        }

        await EnsureRunningAsync(guest, cancellationToken);
    }

    private QemuGuest IncomingCopy(MigrationTicket ticket) =>
        _incoming.TryGetValue(ticket.VmId, out var guest) && guest.Record.IncomingOperation == ticket.OperationId && guest.IsAlive
            ? guest
            : throw new MigrationFailedException($"{HostId} holds no incoming copy of vm {ticket.VmId} for operation {ticket.OperationId}");

    /// <summary>The destination has loaded the whole stream and sits paused, ready to run; it exits if the stream broke.</summary>
    private async Task WaitIncomingCompleteAsync(QemuGuest guest, CancellationToken cancellationToken)
    {
        var completed = guest.Qmp.WaitForEventAsync("MIGRATION", e => FinalStates.Contains(MigrationStatus(e.Data)), _options.CommandTimeout, cancellationToken);
        Observe(completed);
        try
        {
            var status = MigrationStatus(await guest.Qmp.ExecuteAsync("query-migrate", null, cancellationToken));
            if (status != "completed")
            {
                status = MigrationStatus((await completed).Data);
            }

            if (status != "completed")
            {
                throw new MigrationFailedException($"the incoming copy of vm {guest.VmId} on {HostId} {status}");
            }

            guest.IncomingComplete = true;
        }
        catch (Exception e) when (e is IOException or TimeoutException or QmpException)
        {
            throw new MigrationFailedException($"the incoming copy of vm {guest.VmId} on {HostId} is not complete: {e.Message}");
        }
    }

    /// <summary>After a failed or cancelled move the source runs on: cancel QEMU's migration if it still goes, then resume.</summary>
    private async Task CancelOutgoingAsync(QemuGuest guest)
    {
        using var bound = new CancellationTokenSource(CancelWait);
        try
        {
            var status = MigrationStatus(await guest.Qmp.ExecuteAsync("query-migrate", null, bound.Token));
            if (!FinalStates.Contains(status) && status != "none")
            {
                var ended = guest.Qmp.WaitForEventAsync("MIGRATION", e => FinalStates.Contains(MigrationStatus(e.Data)), CancelWait, bound.Token);
                Observe(ended);
                await guest.Qmp.ExecuteAsync("migrate_cancel", null, bound.Token);
                await ended;
            }

            await EnsureRunningAsync(guest, bound.Token);
        }
        catch (Exception e) when (e is QmpException or IOException or TimeoutException or OperationCanceledException)
        {
            LogMigrationFailed(HostId, guest.VmId, "-", $"could not cancel and resume the source copy: {e.Message}");
        }
    }

    private static async Task EnsureRunningAsync(QemuGuest guest, CancellationToken cancellationToken)
    {
        if (await guest.StatusAsync(StatusTimeout, cancellationToken) != "running")
        {
            await guest.Qmp.ExecuteAsync("cont", null, cancellationToken);
        }
    }

    private static async Task SetCapabilitiesAsync(QmpClient qmp, bool autoConverge, CancellationToken cancellationToken)
    {
        var capabilities = new JsonArray
        {
            new JsonObject { ["capability"] = "events", ["state"] = true },
            new JsonObject { ["capability"] = "auto-converge", ["state"] = autoConverge },
        };
        await qmp.ExecuteAsync("migrate-set-capabilities", new JsonObject { ["capabilities"] = capabilities }, cancellationToken);
    }

    private JsonObject MigrationParameters()
    {
        var bandwidth = _options.MigrationBandwidthMibPerSecond > 0
            ? (long)(_options.MigrationBandwidthMibPerSecond * 1024 * 1024)
            : long.MaxValue / 2; // no cap; QEMU's default would be 128 MiB/s
        return new JsonObject
        {
            ["downtime-limit"] = (long)_migration.MaxDowntime.TotalMilliseconds,
            ["max-bandwidth"] = bandwidth,
            ["cpu-throttle-initial"] = _migration.ThrottleInitialPercent,
            ["cpu-throttle-increment"] = _migration.ThrottleIncrementPercent,
            ["max-cpu-throttle"] = _migration.ThrottleMaxPercent,
        };
    }

    private static MigrationProgress Progress(JsonElement info, bool paused)
    {
        var ram = info.TryGetProperty("ram", out var r) ? r : default;
        return new MigrationProgress(
            paused || MigrationStatus(info) is "device" or "pre-switchover" ? MigrationPhase.SwitchOver : MigrationPhase.PreCopy,
            (int)Long(ram, "dirty-sync-count"),
            Long(ram, "transferred"),
            Long(ram, "remaining"),
            Long(ram, "total"),
            Double(ram, "mbps") * 1_000_000 / 8,
            (int)Long(info, "cpu-throttle-percentage"));
    }

    /// <summary>
    /// HostGrid's switch-over on the source runs from the pause (QEMU's STOP event, stamped by QEMU) to this return; the VM
    /// grain adds the rest until the destination runs. QEMU's own <c>downtime</c> goes beside it: QEMU 7.2 may report
    /// <c>completed</c> before it fills in its times (both 0), and then they come from its events' stamps instead.
    /// </summary>
    private MigrationResult Result(JsonElement info, Task<QmpEvent> paused, DateTimeOffset completedAt, DateTimeOffset started)
    {
        var ram = info.TryGetProperty("ram", out var r) ? r : default;
        var pausedAt = paused.IsCompletedSuccessfully ? paused.Result.Timestamp : completedAt;
        var downtime = Long(info, "downtime") is > 0 and var reported ? TimeSpan.FromMilliseconds(reported) : completedAt - pausedAt;
        var total = Long(info, "total-time") is > 0 and var time ? TimeSpan.FromMilliseconds(time) : completedAt - started;
        var switchOver = _time.GetUtcNow() - pausedAt;
        return new MigrationResult(
            (int)Long(ram, "dirty-sync-count"),
            Long(ram, "transferred"),
            Long(ram, "normal") + Long(ram, "duplicate"),
            Double(ram, "mbps") * 1_000_000 / 8,
            (int)Long(info, "cpu-throttle-percentage"),
            total > downtime ? total - downtime : TimeSpan.Zero,
            switchOver > TimeSpan.Zero ? switchOver : TimeSpan.Zero,
            pausedAt,
            downtime > TimeSpan.Zero ? downtime : TimeSpan.Zero);
    }

    /// <summary>The port QEMU chose for <c>migrate-incoming tcp:ADDR:0</c>, from <c>query-migrate</c>'s socket-address.</summary>
    private int ListeningPort(JsonElement info)
    {
        if (info.TryGetProperty("socket-address", out var addresses) && addresses.ValueKind == JsonValueKind.Array)
        {
            foreach (var address in addresses.EnumerateArray())
            {
                if (address.TryGetProperty("port", out var port) && int.TryParse(port.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }
            }
        }

        throw new HypervisorFailedException(HostId, "QEMU did not say which port the incoming migration listens on");
    }

    private static string MigrationStatus(JsonElement element) => Text(element, "status") ?? "none";

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Long(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;

    private static double Double(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.TryGetDouble(out var number) ? number : 0;

    /// <summary>A wait that may end unobserved (the migration ended another way) must not raise an unobserved-task exception.</summary>
    private static void Observe(Task task) => task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
