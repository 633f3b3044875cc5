using System.Globalization;
using System.Net.Sockets;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;
using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Migration;

/// <summary>
/// The source side of one live migration of a simulated guest: a full pass, rounds of the pages dirtied meanwhile until
/// <see cref="MigrationConvergence"/> says switch over (throttling the guest's writes when it says so), then the pause, the last
/// pages and the final checksum, until the destination acknowledges a verified copy. It leaves resuming the guest after a
/// failure to its caller.
/// </summary>
internal sealed class OutgoingMigration
{
    private const long ProgressBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// What a switch-over costs beyond sending the last pages and one round trip (measured on the connection): the pause, the
    /// final frame, the destination's O(1) check and its activation of the copy. Measured at 0.1-0.5 ms for 256 MiB to 4 GiB
    /// guests on a busy 2-core machine (bench/README.md, migration); 2 ms leaves room for the scheduler.
    /// </summary>
    internal static readonly TimeSpan SwitchOverFixedCost = TimeSpan.FromMilliseconds(2);

    private readonly MigrationTicket _ticket;
    private readonly GuestMemory _memory;
    private readonly DirtyingWorkload _workload;
    private readonly MigrationOptions _migration;
    private readonly SimulatedHypervisorOptions _options;
    private readonly SimulatedMigrationFaults _faults;
    private readonly TimeProvider _time;
    private readonly IProgress<MigrationProgress>? _progress;
    private readonly Func<DateTimeOffset> _pause;
    private readonly int[] _indexes;
    private readonly long[] _versions;
    private int[] _dirtyPages = [];
    private long _pagesSent;
    private long _lastReportBytes;
    private long _lastReportAt;
    private bool _corrupted;

    public OutgoingMigration(
        MigrationTicket ticket, GuestMemory memory, DirtyingWorkload workload, MigrationOptions migration, SimulatedHypervisorOptions options,
        SimulatedMigrationFaults faults, TimeProvider time, IProgress<MigrationProgress>? progress, Func<DateTimeOffset> pause)
    {
        _ticket = ticket;
        _memory = memory;
        _workload = workload;
        _migration = migration;
        _options = options;
        _faults = faults;
        _time = time;
        _progress = progress;
        _pause = pause;
        _indexes = new int[options.MigrationFramePages];
        _versions = new long[options.MigrationFramePages];
    }

    /// <summary>The phase reached, for the reason of a failure.</summary>
    public MigrationPhase Phase { get; private set; } = MigrationPhase.PreCopy;

    public int Round { get; private set; }

    public int ThrottlePercent { get; private set; }

    public async Task<MigrationResult> RunAsync(MigrationEndpoint destination, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_migration.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        PageSender? sender = null;
        try
        {
            var limit = _options.MigrationBandwidthLimitMibPerSecond * 1024 * 1024;
            sender = await PageSender.ConnectAsync(destination, _ticket, _memory.PageCount, _options.MigrationFramePages, _time, limit,
                _faults.DropConnectionAfterBytes, linked.Token);
            return await CopyAsync(sender, started);
        }
        catch (OperationCanceledException) when (sender?.Failure is { } failure)
        {
            throw new MigrationFailedException(failure);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new MigrationFailedException(Invariant(
                $"timed out after {_migration.Timeout.TotalSeconds:F0} s in {Phase} (round {Round}, {sender?.BytesSent ?? 0} bytes sent)"));
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            throw new MigrationFailedException(sender?.Failure ?? $"connection to the destination lost in {Phase}: {e.Message}");
        }
        finally
        {
            if (sender is not null)
            {
                await sender.DisposeAsync();
            }
        }
    }

    private async Task<MigrationResult> CopyAsync(PageSender sender, long started)
    {
        var token = sender.Token;
        _workload.Advance();
        _memory.ClearDirty();
        var history = new List<long>();
        var sendBytes = 0L;
        var sendTime = TimeSpan.Zero;
        var bandwidth = 0.0;
        var roundTrip = TimeSpan.Zero;
        var dirty = 0;
        var all = true; // the full pass sends every page
        while (true)
        {
            Round++;
            if (_faults.DropConnectionInRound == Round)
            {
                sender.Fail($"connection to the destination cut in round {Round} (injected fault)");
                token.ThrowIfCancellationRequested();
            }

            var roundStart = _time.GetTimestamp();
            var bytesBefore = sender.BytesSent;
            await SendAsync(sender, all ? null : (ReadOnlyMemory<int>?)_dirtyPages.AsMemory(0, dirty), Round, bandwidth);
            // Until the destination has checked everything sent, it is not on the other side yet: the bandwidth is measured
            // end to end, and nothing is left in flight to lengthen the pause.
            await sender.SyncAsync();
            sendBytes += sender.BytesSent - bytesBefore;
            sendTime += _time.GetElapsedTime(roundStart);
            bandwidth = sendTime > TimeSpan.Zero ? sendBytes / sendTime.TotalSeconds : 0;
            // With nothing in flight, a second sync is one round trip: the final frame and its acknowledgement cost as much.
            roundTrip = Max(roundTrip, await sender.SyncAsync());

            var delay = _options.MigrationRoundDelay + _faults.RoundDelay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, token);
            }

            _workload.Advance();
            var remaining = (long)_memory.DirtyCount() * PageContent.PageSize;
            history.Add(remaining);
            var decision = MigrationConvergence.Decide(_migration,
                new PreCopyState(Round, history, bandwidth, _time.GetElapsedTime(started), ThrottlePercent, roundTrip + SwitchOverFixedCost));
            Report(MigrationPhase.PreCopy, sender, remaining, bandwidth);
            if (decision.Action == ConvergenceAction.Fail)
            {
                throw new MigrationFailedException(decision.Reason);
            }

            if (decision.Action == ConvergenceAction.SwitchOver)
            {
                break;
            }

            ThrottlePercent = decision.ThrottlePercent;
            _workload.ThrottlePercent = ThrottlePercent;
            dirty = _memory.CollectDirty(ref _dirtyPages);
            all = false;
        }

        // From the pause on, nothing is O(memory) and nothing large is allocated: the dirty bitmap is scanned once (1/32768 of
        // the memory), buffers are reused, and the digest compared at the end is kept up to date by every write.
        var preCopy = _time.GetElapsedTime(started);
        Phase = MigrationPhase.SwitchOver;
        var pausedAt = _pause();
        var pause = _time.GetTimestamp();
        Report(MigrationPhase.SwitchOver, sender, (long)_memory.DirtyCount() * PageContent.PageSize, bandwidth);
        if (_options.MigrationSwitchOverDelay > TimeSpan.Zero)
        {
            await Task.Delay(_options.MigrationSwitchOverDelay, _time, token);
        }

        if (_faults.StalePage is { } stale && stale < _memory.PageCount)
        {
            _memory.WriteUntracked(stale);
        }

        if (_faults.FailSwitchOver)
        {
            throw new MigrationFailedException("switch-over failed after the pause (injected fault)");
        }

        if (_faults.HangSwitchOver)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, token);
        }

        var last = _memory.CollectDirty(ref _dirtyPages);
        await SendAsync(sender, _dirtyPages.AsMemory(0, last), Round + 1, bandwidth);
        await sender.FinishAsync(_memory.PageCount, _memory.Checksum(), _memory.Versions);
        var switchOver = _time.GetElapsedTime(pause);
        Report(MigrationPhase.SwitchOver, sender, 0, bandwidth);
        return new MigrationResult(Round, sender.BytesSent, _pagesSent, bandwidth, ThrottlePercent, preCopy, switchOver, pausedAt);
    }

    /// <summary>Sends <paramref name="pages"/> (null: all) in frames, each at the page's version when its frame is built.</summary>
    private async Task SendAsync(PageSender sender, ReadOnlyMemory<int>? pages, int round, double bandwidth)
    {
        var count = pages?.Length ?? _memory.PageCount;
        var framePages = _options.MigrationFramePages;
        for (var offset = 0; offset < count; offset += framePages)
        {
            var n = Math.Min(framePages, count - offset);
            var buffer = await sender.RentAsync();
            // The guest keeps writing while its pages go out; a page written after its version is read here is dirty again.
            _workload.Advance();
            var indexes = _indexes.AsSpan(0, n);
            var versions = _versions.AsSpan(0, n);
            for (var i = 0; i < n; i++)
            {
                indexes[i] = pages is { } some ? some.Span[offset + i] : offset + i;
                versions[i] = _memory.Version(indexes[i]);
            }

            int? corrupt = null;
            if (!_corrupted && _faults.CorruptPage is { } c && indexes.Contains(c))
            {
                corrupt = c;
                _corrupted = true;
            }

            PageFrames.WritePages(buffer, round, indexes, versions, _memory.Seed, corrupt);
            sender.Send(buffer);
            _pagesSent += n;
            if (sender.BytesSent - _lastReportBytes >= ProgressBytes || _time.GetElapsedTime(_lastReportAt) >= ProgressInterval)
            {
                Report(Phase, sender, (long)(count - offset - n) * PageContent.PageSize, bandwidth);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Report(MigrationPhase phase, PageSender sender, long remaining, double bandwidth)
    {
        _lastReportBytes = sender.BytesSent;
        _lastReportAt = _time.GetTimestamp();
        _progress?.Report(new MigrationProgress(phase, Round, sender.BytesSent, remaining, _memory.Bytes, bandwidth, ThrottlePercent));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
