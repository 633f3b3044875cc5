using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Qemu.Guests;
using HostGrid.Hypervisor.Qemu.Qmp;

namespace HostGrid.Hypervisor.Qemu;

// Live migration through QEMU's own stream. The destination runs the same machine with -S -incoming defer; its agent listens
// and the source's agent connects (MigrationSockets: sized buffers), each hands its end to QEMU, and the source runs migrate
// with HostGrid's downtime limit, bandwidth and throttle settings, the destination migrate-incoming. The destination
// stays paused (-S) after the stream ends: ConfirmIncoming checks the whole state arrived, the VM grain commits, and only then
// ActivateIncoming runs it (cont). So a move that fails to commit never leaves a destination copy that ran.
// Post-copy (PostCopyAfterRounds): once QEMU switches to it the source can no longer resume, so a pre-copy that does not
// converge returns from MigrateOut with the guest still running and its migration still going; the VM grain commits, then
// StartPostCopy switches (migrate-start-postcopy), the destination runs and pulls the pages it lacks.
public sealed partial class QemuHypervisor
{
    private static readonly TimeSpan ProgressPollPeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(10);
    private static readonly string[] FinalStates = ["completed", "failed", "cancelled"];

    /// <summary>Where an incoming copy can run: the whole stream loaded, or in post-copy its device state.</summary>
    private static readonly string[] IncomingReadyStates = ["completed", "postcopy-active", "failed", "cancelled"];

    /// <summary>The migration stream's name in QEMU (<c>getfd</c>), on both sides.</summary>
    private const string StreamName = "migration";
    private const string StreamUri = "fd:" + StreamName;

    private bool PostCopyEnabled => _options.PostCopyAfterRounds > 0;

    private int MigrationSocketBufferBytes => _options.MigrationSocketBufferKib * 1024;

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
            await SetCapabilitiesAsync(guest.Qmp, autoConverge: false, PostCopyEnabled, cancellationToken);
            var listener = MigrationSockets.Listen(IPAddress.Parse(_options.MigrationListenAddress), MigrationSocketBufferBytes);
            guest.IncomingListener = listener;
            guest.Endpoint = new MigrationEndpoint(_options.MigrationListenAddress, ((IPEndPoint)listener.LocalEndPoint!).Port, ticket.OperationId);
            _ = ReceiveStreamAsync(guest, listener, ticket.OperationId);
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
        await SetCapabilitiesAsync(qmp, _migration.AutoConverge, PostCopyEnabled, cancellationToken);
        await qmp.ExecuteAsync("migrate-set-parameters", MigrationParameters(_options, _migration), cancellationToken);
        // Both waits start before the command, so neither event can slip by.
        var paused = qmp.WaitForEventAsync("STOP", null, _migration.Timeout, cancellationToken);
        var finished = qmp.WaitForEventAsync("MIGRATION", e => FinalStates.Contains(MigrationStatus(e.Data)), _migration.Timeout, cancellationToken);
        Observe(paused);
        Observe(finished);
        var started = _time.GetUtcNow();
        try
        {
            await PassStreamAsync(qmp, destination, cancellationToken);
            await qmp.ExecuteAsync("migrate", new JsonObject { ["uri"] = StreamUri }, cancellationToken);
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
                if (PostCopyEnabled && rounds >= _options.PostCopyAfterRounds && MigrationStatus(info) == "active")
                {
                    // Not converged: hand over to post-copy after the commit. QEMU's pre-copy runs on meanwhile.
                    guest.Outgoing = new OutgoingMigration(ticket.OperationId, paused, finished, started);
                    return Figures(info, _time.GetUtcNow() - started, pausedAt: null, hypervisorDowntime: null, postCopy: true);
                }

                if (!_migration.AutoConverge && !PostCopyEnabled && rounds > _migration.MaxRounds)
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
            await DropStreamAsync(qmp);
            await CancelOutgoingAsync(guest);
            LogMigrationFailed(HostId, ticket.VmId, ticket.OperationId, e.Message);
            if (e is MigrationFailedException or OperationCanceledException)
            {
                throw;
            }

            throw new MigrationFailedException($"migration of vm {ticket.VmId} from {HostId} failed: {e.Message}");
        }
    }

    /// <summary>
    /// The destination takes the first connection to its listener as the stream: QEMU gets it and starts loading. If
    /// that fails the connection is closed (QEMU's copy too), and the source's migration fails with it.
    /// </summary>
    private async Task ReceiveStreamAsync(QemuGuest guest, Socket listener, string operationId)
    {
        try
        {
            using (var bound = new CancellationTokenSource(_migration.Timeout))
            using (var stream = await MigrationSockets.AcceptAsync(listener, bound.Token))
            {
                await guest.Qmp.PassDescriptorAsync(StreamName, stream, CancellationToken.None);
            }

            await guest.Qmp.ExecuteAsync("migrate-incoming", new JsonObject { ["uri"] = StreamUri }, CancellationToken.None);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException or TimeoutException or QmpException)
        {
            if (guest.Qmp.IsConnected) // else the copy was stopped, which closed the listener
            {
                await DropStreamAsync(guest.Qmp);
                LogMigrationFailed(HostId, guest.VmId, operationId, $"the incoming stream did not start: {e.Message}");
            }
        }
        finally
        {
            listener.Dispose();
        }
    }

    /// <summary>Closes a stream QEMU was handed but did not take (best effort), else it would hold the connection open.</summary>
    private static async Task DropStreamAsync(QmpClient qmp)
    {
        try
        {
            await qmp.ExecuteAsync("closefd", new JsonObject { ["fdname"] = StreamName }, StatusTimeout, CancellationToken.None);
        }
        catch (Exception e) when (e is QmpException or IOException or TimeoutException)
        {
            // Not held: QEMU took it (migrate consumes it) or never got it.
        }
    }

    /// <summary>The source connects to the destination's listener and hands QEMU the stream.</summary>
    private async Task PassStreamAsync(QmpClient qmp, MigrationEndpoint destination, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(destination.Address, out var address))
        {
            throw new MigrationFailedException($"the destination's migration address '{destination.Address}' is not an IP address");
        }

        using var stream = await MigrationSockets.ConnectAsync(new IPEndPoint(address, destination.Port), MigrationSocketBufferBytes, _options.CommandTimeout, cancellationToken);
        await qmp.PassDescriptorAsync(StreamName, stream, cancellationToken);
    }

    public async Task<MigrationResult> StartPostCopyAsync(MigrationTicket ticket, CancellationToken cancellationToken)
    {
        await EnsureAdoptedAsync(cancellationToken);
        if (!_guests.TryGetValue(ticket.VmId, out var guest) || guest.Epoch != ticket.SourceEpoch || !guest.IsAlive
            || guest.Outgoing is not { } outgoing || outgoing.OperationId != ticket.OperationId)
        {
            throw new MigrationFailedException($"{HostId} has no move of vm {ticket.VmId} ({ticket.OperationId}) waiting for post-copy");
        }

        try
        {
            var status = MigrationStatus(await guest.Qmp.ExecuteAsync("query-migrate", null, cancellationToken));
            if (status == "active")
            {
                var switched = guest.Qmp.WaitForEventAsync("MIGRATION", e => MigrationStatus(e.Data) is "postcopy-active" || FinalStates.Contains(MigrationStatus(e.Data)), _options.CommandTimeout, cancellationToken);
                Observe(switched);
                await guest.Qmp.ExecuteAsync("migrate-start-postcopy", null, cancellationToken);
                status = MigrationStatus((await switched).Data);
            }

            // completed: the pre-copy converged after all while the move committed; the destination holds it all.
            if (status is not ("postcopy-active" or "completed"))
            {
                throw new MigrationFailedException($"QEMU migration of vm {ticket.VmId} {status} before it could switch to post-copy");
            }

            var pausedAt = (await outgoing.Paused.WaitAsync(_options.CommandTimeout, cancellationToken)).Timestamp;
            var info = await guest.Qmp.ExecuteAsync("query-migrate", null, cancellationToken);
            // QEMU reports its own downtime only when the post-copy completes.
            return Figures(info, pausedAt - outgoing.Started, pausedAt, hypervisorDowntime: null, postCopy: true);
        }
        catch (Exception e) when (e is QmpException or IOException or TimeoutException)
        {
            throw new MigrationFailedException($"vm {ticket.VmId} on {HostId} did not switch to post-copy: {e.Message}");
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

        // Registered before cont: a small guest's post-copy may end at once.
        var pulled = guest.IncomingPostCopy
            ? guest.Qmp.WaitForEventAsync("MIGRATION", e => MigrationStatus(e.Data) is "postcopy-paused" || FinalStates.Contains(MigrationStatus(e.Data)), _migration.Timeout, CancellationToken.None)
            : null;
        if (pulled is not null)
        {
            Observe(pulled);
        }

        // The guest is paused here until now: the pause ends with this command (cont starts the vCPUs before it replies).
        try
        {
            await guest.Qmp.ExecuteAsync("cont", null, cancellationToken);
        }
        catch (Exception e) when (e is QmpException or IOException or TimeoutException)
        {
            // Gone or refusing (a post-copy whose source died may take its destination down): the VM grain boots it from disk.
            await ShutDownAsync(_incoming, guest, graceful: false, CancellationToken.None);
            throw new MigrationFailedException($"the incoming copy of vm {ticket.VmId} on {HostId} did not run: {e.Message}");
        }

        guest.Record = guest.Record with { IncomingOperation = null };
        guest.Record.Save(guest.Files);
        _incoming.TryRemove(new KeyValuePair<VmId, QemuGuest>(ticket.VmId, guest));
        _guests[ticket.VmId] = guest;
        LogGuestStarted(HostId, ticket.VmId, ticket.TargetEpoch, guest.Pid, _accelerator);
        if (pulled is not null)
        {
            _ = WatchPostCopyAsync(guest, pulled);
        }
    }

    /// <summary>
    /// A destination copy running in post-copy lacks pages until its migration completes; if it breaks off instead (the
    /// source died, the stream broke) its memory is lost and it would hang on the next missing page: it is stopped, and
    /// its VM grain, missing it from this host's heartbeats, restarts it from its disk.
    /// </summary>
    private async Task WatchPostCopyAsync(QemuGuest guest, Task<QmpEvent> pulled)
    {
        string outcome;
        try
        {
            // It may have broken off already (the source died while this copy was still paused).
            outcome = MigrationStatus(await guest.Qmp.ExecuteAsync("query-migrate", null, StatusTimeout, CancellationToken.None));
            if (outcome is not ("postcopy-paused" or "completed" or "failed" or "cancelled"))
            {
                outcome = MigrationStatus((await pulled).Data);
            }
        }
        catch (TimeoutException)
        {
            outcome = Invariant($"not completed within {_migration.Timeout.TotalSeconds:F0} s");
        }
        catch (Exception e) when (e is QmpException or IOException or OperationCanceledException)
        {
            return; // the process is gone or being stopped
        }

        guest.IncomingPostCopy = false;
        if (outcome != "completed" && _guests.TryGetValue(guest.VmId, out var current) && ReferenceEquals(current, guest))
        {
            LogPostCopyFailed(HostId, guest.VmId, outcome);
            await ShutDownAsync(_guests, guest, graceful: false, CancellationToken.None);
        }
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

        if (guest.Outgoing is not null)
        {
            // Handed over to post-copy but never switched (the move did not commit): its pre-copy still runs.
            guest.Outgoing = null;
            await CancelOutgoingAsync(guest);
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
        var completed = guest.Qmp.WaitForEventAsync("MIGRATION", e => IncomingReadyStates.Contains(MigrationStatus(e.Data)), _options.CommandTimeout, cancellationToken);
        Observe(completed);
        try
        {
            var status = MigrationStatus(await guest.Qmp.ExecuteAsync("query-migrate", null, cancellationToken));
            if (status is not ("completed" or "postcopy-active"))
            {
                status = MigrationStatus((await completed).Data);
            }

            if (status is not ("completed" or "postcopy-active"))
            {
                throw new MigrationFailedException($"the incoming copy of vm {guest.VmId} on {HostId} {status}");
            }

            guest.IncomingPostCopy = status == "postcopy-active";
            guest.IncomingComplete = true;
        }
        catch (Exception e) when (e is IOException or TimeoutException or QmpException)
        {
            throw new MigrationFailedException($"the incoming copy of vm {guest.VmId} on {HostId} is not complete: {e.Message}");
        }
    }

    /// <summary>
    /// A source in post-copy holds the pages its destination still lacks: stopping it first waits (bounded by half the
    /// command timeout, within the agent's own bound) for the migration to end, else the destination's copy would break.
    /// </summary>
    private async Task AwaitPostCopyAsync(QemuGuest guest, CancellationToken cancellationToken)
    {
        if (guest.Outgoing is not { } outgoing)
        {
            return;
        }

        guest.Outgoing = null;
        try
        {
            if (guest.IsAlive && MigrationStatus(await guest.Qmp.ExecuteAsync("query-migrate", null, StatusTimeout, cancellationToken)) == "postcopy-active")
            {
                await outgoing.Finished.WaitAsync(_options.CommandTimeout / 2, cancellationToken);
            }
        }
        catch (Exception e) when (e is QmpException or IOException or TimeoutException)
        {
            LogMigrationFailed(HostId, guest.VmId, outgoing.OperationId, $"stopping the source before its post-copy ended: {e.Message}");
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

    /// <summary>Post-copy must be allowed on both sides before the stream starts; it only happens if the source switches.</summary>
    private static async Task SetCapabilitiesAsync(QmpClient qmp, bool autoConverge, bool postCopy, CancellationToken cancellationToken)
    {
        var capabilities = new JsonArray
        {
            new JsonObject { ["capability"] = "events", ["state"] = true },
            new JsonObject { ["capability"] = "auto-converge", ["state"] = autoConverge },
            new JsonObject { ["capability"] = "postcopy-ram", ["state"] = postCopy },
        };
        await qmp.ExecuteAsync("migrate-set-capabilities", new JsonObject { ["capabilities"] = capabilities }, cancellationToken);
    }

    /// <summary>
    /// QEMU's <c>migrate-set-parameters</c>. QEMU's <c>downtime-limit</c> bounds only its own part of the pause (the last
    /// pages); the destination's confirm, the commit and <c>cont</c> follow it, so QEMU gets
    /// <see cref="MigrationConvergence.MarginFraction"/> of <see cref="MigrationOptions.MaxDowntime"/>, the share within
    /// which HostGrid's own convergence rule switches over at once.
    /// </summary>
    internal static JsonObject MigrationParameters(QemuOptions options, MigrationOptions migration)
    {
        var bandwidth = options.MigrationBandwidthMibPerSecond > 0
            ? (long)(options.MigrationBandwidthMibPerSecond * 1024 * 1024)
            : long.MaxValue / 2; // no cap; QEMU's default would be 128 MiB/s
        return new JsonObject
        {
            ["downtime-limit"] = Math.Max(1, (long)(migration.MaxDowntime.TotalMilliseconds * MigrationConvergence.MarginFraction)),
            ["max-bandwidth"] = bandwidth,
            ["max-postcopy-bandwidth"] = options.MigrationBandwidthMibPerSecond > 0 ? bandwidth : 0, // 0: no cap
            ["cpu-throttle-initial"] = migration.ThrottleInitialPercent,
            ["cpu-throttle-increment"] = migration.ThrottleIncrementPercent,
            ["max-cpu-throttle"] = migration.ThrottleMaxPercent,
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
        var pausedAt = paused.IsCompletedSuccessfully ? paused.Result.Timestamp : completedAt;
        var downtime = Long(info, "downtime") is > 0 and var reported ? TimeSpan.FromMilliseconds(reported) : completedAt - pausedAt;
        var total = Long(info, "total-time") is > 0 and var time ? TimeSpan.FromMilliseconds(time) : completedAt - started;
        return Figures(info, total - downtime, pausedAt, NotNegative(downtime), postCopy: false);
    }

    /// <summary>
    /// QEMU's RAM figures as a result. The switch-over runs from <paramref name="pausedAt"/> to now; null: the guest is not
    /// paused (a pre-copy handed over to post-copy, the guest still running).
    /// </summary>
    private MigrationResult Figures(JsonElement info, TimeSpan preCopy, DateTimeOffset? pausedAt, TimeSpan? hypervisorDowntime, bool postCopy)
    {
        var ram = info.TryGetProperty("ram", out var r) ? r : default;
        return new MigrationResult(
            (int)Long(ram, "dirty-sync-count"),
            Long(ram, "transferred"),
            Long(ram, "normal") + Long(ram, "duplicate"),
            Double(ram, "mbps") * 1_000_000 / 8,
            (int)Long(info, "cpu-throttle-percentage"),
            NotNegative(preCopy),
            pausedAt is { } at ? NotNegative(_time.GetUtcNow() - at) : TimeSpan.Zero,
            pausedAt ?? default,
            hypervisorDowntime,
            postCopy);
    }

    private static TimeSpan NotNegative(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;

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
