namespace HostGrid.Bench.Running;

/// <summary>Runs a fixed number of operations with a fixed number in flight.</summary>
internal static class BoundedRunner
{
    /// <summary>
    /// Calls <paramref name="operation"/> once for each index in [0, <paramref name="count"/>) with at most
    /// <paramref name="concurrency"/> running at a time; once <paramref name="cancellationToken"/> is cancelled no new
    /// operation starts (those running see the token). The operation reports its own failures rather than throwing.
    /// Returns how many operations were started.
    /// </summary>
    public static async Task<int> RunAsync(int count, int concurrency, Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var next = -1;
        var started = 0;

        async Task WorkerAsync()
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= count)
                {
                    return;
                }

                Interlocked.Increment(ref started);
                await operation(index, cancellationToken);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(WorkerAsync, CancellationToken.None)));
        return started;
    }
}
