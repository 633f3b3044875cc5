namespace HostGrid.Core.Migration;

/// <summary>
/// Where a live migration's pre-copy stands after a round, as the source's data plane measured it.
/// </summary>
/// <param name="Round">Rounds completed, the first full pass included (1 after the full pass).</param>
/// <param name="RemainingDirtyBytes">Bytes dirtied since each page was last sent, after each round so far, oldest first; the last is now.</param>
/// <param name="BandwidthBytesPerSecond">Measured sending rate; 0 when nothing could be measured yet.</param>
/// <param name="Elapsed">Time since the migration started.</param>
/// <param name="ThrottlePercent">Current throttle of the guest's dirty rate, 0 when not throttled.</param>
/// <param name="SwitchOverOverhead">Fixed cost of a switch-over beyond sending the last pages: the round trip of the final frame
/// and its acknowledgement (measured on the connection) and the pause, check and activation around it (none of them
/// O(memory): bench/README.md, migration).</param>
public sealed record PreCopyState(
    int Round,
    IReadOnlyList<long> RemainingDirtyBytes,
    double BandwidthBytesPerSecond,
    TimeSpan Elapsed,
    int ThrottlePercent,
    TimeSpan SwitchOverOverhead)
{
    /// <summary>Bytes still dirty now.</summary>
    public long Remaining => RemainingDirtyBytes.Count == 0 ? 0 : RemainingDirtyBytes[^1];
}
