namespace HostGrid.Bench.Failover;

/// <summary>
/// Nearest-rank percentiles: always one of the measured values. With few samples (10 kills) p99 is the maximum and
/// p50 the lower middle value.
/// </summary>
internal static class NearestRank
{
    public static double? Of(IReadOnlyCollection<double> sample, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (sample.Count == 0)
        {
            return null;
        }

        var sorted = sample.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
