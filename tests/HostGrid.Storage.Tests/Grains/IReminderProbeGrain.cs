namespace HostGrid.Storage.Tests.Grains;

[Alias("HostGrid.Storage.Tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    [Alias("RegisterAsync")]
    Task RegisterAsync(string reminderName, TimeSpan dueTime, TimeSpan period);

    [Alias("UnregisterAsync")]
    Task UnregisterAsync(string reminderName);

    /// <summary>How many reminder ticks this activation received.</summary>
    [Alias("GetTicksAsync")]
    Task<int> GetTicksAsync();
}
