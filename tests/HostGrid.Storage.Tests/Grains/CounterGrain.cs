namespace HostGrid.Storage.Tests.Grains;

public sealed class CounterGrain(
    [PersistentState(CounterGrain.StateName, TestSilo.StorageName)] IPersistentState<CounterState> state)
    : Grain, ICounterGrain
{
    /// <summary>What the provider stores as GrainTypeString.</summary>
    public const string StateName = "counter";

    private readonly Guid _activationId = Guid.NewGuid();

    public async Task<int> IncrementAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);

    public Task ClearAsync() => state.ClearStateAsync();

    public Task<string?> GetETagAsync() => Task.FromResult(state.Etag);

    public Task<Guid> GetActivationIdAsync() => Task.FromResult(_activationId);

    public Task DeactivateAsync()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
