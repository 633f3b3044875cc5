namespace HostGrid.Bench.Reporting;

/// <summary>Percentiles of a sample, interpolated linearly between the closest ranks (as numpy's default).</summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="percent"/>th percentile (0..100) of <paramref name="sample"/>; null when it is empty.</summary>
    public static double? Of(IReadOnlyCollection<double> sample, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (sample.Count == 0)
        {
            return null;
        }

        var sorted = sample.Order().ToArray();
        var rank = percent / 100 * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
    }
}
