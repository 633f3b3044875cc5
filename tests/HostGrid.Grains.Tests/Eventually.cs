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
}
