using System.Diagnostics;

namespace HostGrid.Grains.Vms;

/// <summary>
/// The parts of one live move's switch-over, from the source's pause until the target's copy runs: the source finishing
/// (its own figure, up to MigrateOut's return), the target confirming the whole copy, the commit, and the target's run.
/// The downtime is their sum; the parts go to the log (ToString), so a slow switch-over says where its time went.
/// </summary>
internal sealed class SwitchOverClock
{
    private readonly TimeSpan _source;
    private readonly long _returnedAt = Stopwatch.GetTimestamp();
    private long _confirmedAt;
    private long _committedAt;
    private long _activatedAt;

    /// <summary>Starts when the source returns, having been paused for <paramref name="source"/>.</summary>
    public SwitchOverClock(TimeSpan source) => _source = source;

    public void Confirmed() => _confirmedAt = Stopwatch.GetTimestamp();

    public void Committed() => _committedAt = Stopwatch.GetTimestamp();

    /// <summary>The target's copy runs: the pause ends now.</summary>
    public void Activated() => _activatedAt = Stopwatch.GetTimestamp();

    public TimeSpan Downtime => _source + Stopwatch.GetElapsedTime(_returnedAt, _activatedAt);

    /// <summary>Milliseconds of each part, in order (a part skipped, as the commit of a post-copy, counts 0).</summary>
    public override string ToString()
    {
        var confirmed = _confirmedAt == 0 ? _returnedAt : _confirmedAt;
        var committed = _committedAt == 0 ? confirmed : _committedAt;
        return FormattableString.Invariant(
            $"{Downtime.TotalMilliseconds:F1} = source {_source.TotalMilliseconds:F1}, confirm {Ms(_returnedAt, confirmed):F1}, commit {Ms(confirmed, committed):F1}, activate {Ms(committed, _activatedAt):F1}");
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
