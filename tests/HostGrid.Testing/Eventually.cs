namespace HostGrid.Testing;

/// <summary>Polls a condition with a deadline, and says what it waited for when it fails.</summary>
public static class Eventually
{
    public static async Task<T> Async<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        T? value = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                value = await read();
                if (done(value))
                {
                    return value;
                }
            }
            catch (Exception e)
            {
                last = e;
            }

            await Task.Delay(200);
        }

        var shown = value?.ToString() is { Length: > 500 } text ? text[..500] + "…" : value?.ToString();
        throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}; last value: {shown}", last);
    }
}
