using System.Diagnostics;

namespace HostGrid.Storage.Tests;

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time.</summary>
internal static class Poll
{
    private static readonly TimeSpan _interval = TimeSpan.FromMilliseconds(100);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string awaited)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {awaited}.");
            }

            await Task.Delay(_interval);
        }
    }
}
