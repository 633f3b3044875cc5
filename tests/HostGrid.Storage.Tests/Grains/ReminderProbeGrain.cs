using Orleans.Runtime;

namespace HostGrid.Storage.Tests.Grains;

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private int _ticks;

    public Task RegisterAsync(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(reminderName, dueTime, period);

    public async Task UnregisterAsync(string reminderName)
    {
        var reminder = await this.GetReminder(reminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<int> GetTicksAsync() => Task.FromResult(_ticks);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks++;
        return Task.CompletedTask;
    }
}
