namespace HostGrid.Core.Rebalancing;

/// <summary>
/// The least total squared deviation of host load for one resource when movable demand can be split at will: the
/// lower bound of <see cref="ImbalanceMetric.LowerBound"/>.
/// </summary>
/// <remarks>
/// Minimizes Σ_h (x_h − m)² over loads x and the mean m, subject to x_h ≥ p_h (fixed load) and lo ≤ Σ_h c_h (x_h − p_h)
/// ≤ hi (movable demand placed). For a fixed m the optimum is x_h = max(p_h, m + λ c_h), with λ = 0 when that already
/// places between lo and hi and otherwise found by bisection (placed demand grows with λ). The outer function of m is
/// convex (a partial minimum of a jointly convex function over a convex set), so a golden-section search finds it.
/// </remarks>
internal static class DivisibleLoad
{
    private const int Iterations = 100;

    public static double LeastSquaredDeviation(double[] capacity, double[] fixedDemand, double lo, double hi)
    {
        var n = capacity.Length;
        if (n == 0)
        {
            return 0;
        }

        var fixedLoad = new double[n];
        double minCapacity = double.MaxValue, maxFixed = 0;
        for (var h = 0; h < n; h++)
        {
            fixedLoad[h] = ClusterLoad.Load(fixedDemand[h], capacity[h]);
            maxFixed = Math.Max(maxFixed, fixedLoad[h]);
            if (capacity[h] > 0)
            {
                minCapacity = Math.Min(minCapacity, capacity[h]);
            }
        }

        if (minCapacity == double.MaxValue)
        {
            hi = lo = 0; // nowhere to put movable load
            minCapacity = 1;
        }

        double a = 0, b = maxFixed + (hi / minCapacity) + 1;
        var ratio = (Math.Sqrt(5) - 1) / 2;
        var x1 = b - (ratio * (b - a));
        var x2 = a + (ratio * (b - a));
        var f1 = Deviation(capacity, fixedLoad, lo, hi, x1);
        var f2 = Deviation(capacity, fixedLoad, lo, hi, x2);
        for (var i = 0; i < Iterations; i++)
        {
            if (f1 <= f2)
            {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - (ratio * (b - a));
                f1 = Deviation(capacity, fixedLoad, lo, hi, x1);
            }
            else
            {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + (ratio * (b - a));
                f2 = Deviation(capacity, fixedLoad, lo, hi, x2);
            }
        }

        return Math.Min(f1, f2);
    }

    /// <summary>Least Σ (x_h − m)² for this m.</summary>
    private static double Deviation(double[] capacity, double[] fixedLoad, double lo, double hi, double m)
    {
        var placed0 = Placed(capacity, fixedLoad, m, 0);
        var lambda = 0.0;
        if (placed0 < lo)
        {
            lambda = Solve(capacity, fixedLoad, m, lo, 1);
        }
        else if (placed0 > hi)
        {
            lambda = Solve(capacity, fixedLoad, m, hi, -1);
        }

        var sum = 0.0;
        for (var h = 0; h < capacity.Length; h++)
        {
            var x = Level(capacity[h], fixedLoad[h], m, lambda);
            sum += (x - m) * (x - m);
        }

        return sum;
    }

    /// <summary>The λ (of the given sign) at which exactly <paramref name="goal"/> is placed.</summary>
    private static double Solve(double[] capacity, double[] fixedLoad, double m, double goal, int sign)
    {
        double inner = 0, outer = sign * 1e-12;
        for (var i = 0; i < 200 && (sign > 0 ? Placed(capacity, fixedLoad, m, outer) < goal : Placed(capacity, fixedLoad, m, outer) > goal); i++)
        {
            inner = outer;
            outer *= 2;
        }

        for (var i = 0; i < Iterations; i++)
        {
            var mid = (inner + outer) / 2;
            var placed = Placed(capacity, fixedLoad, m, mid);
            if (sign > 0 ? placed < goal : placed > goal)
            {
                inner = mid;
            }
            else
            {
                outer = mid;
            }
        }

        return outer;
    }

    private static double Placed(double[] capacity, double[] fixedLoad, double m, double lambda)
    {
        var sum = 0.0;
        for (var h = 0; h < capacity.Length; h++)
        {
            sum += capacity[h] * (Level(capacity[h], fixedLoad[h], m, lambda) - fixedLoad[h]);
        }

        return sum;
    }

    // A host with no capacity of the resource takes none and its load stays 0.
    private static double Level(double capacity, double fixedLoad, double m, double lambda) =>
        capacity > 0 ? Math.Max(fixedLoad, m + (lambda * capacity)) : fixedLoad;
}
