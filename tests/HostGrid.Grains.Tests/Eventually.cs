namespace HostGrid.Grains.Tests;

/// <summary>Polls a condition with a deadline, and says what it waited for when it fails.</summary>
public static class Eventually
{
    public static async Task Async(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e)
            {
                last = e;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}", last);
    }

    /// <summary>Reads until <paramref name="done"/> holds; returns the last read.</summary>
    public static async Task<T> Async<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        T value = default!;
        try
        {
            await Async(async () => done(value = await read()), timeout, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last: {value}", e);
        }

        return value;
    }
}
