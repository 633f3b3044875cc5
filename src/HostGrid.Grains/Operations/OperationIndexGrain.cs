namespace HostGrid.Grains.Operations;

/// <summary>Recent operations, newest first, bounded to <see cref="IOperationIndexGrain.Capacity"/> (the oldest drop out).</summary>
public sealed class OperationIndexGrain : Grain, IOperationIndexGrain
{
    private readonly IPersistentState<OperationIndexState> _state;

    public OperationIndexGrain([PersistentState("operations", HostGridStorage.ProviderName)] IPersistentState<OperationIndexState> state) =>
        _state = state;

    public async Task AddAsync(string operationId)
    {
        var ids = _state.State.Ids;
        if (ids.Contains(operationId))
        {
            return;
        }

        ids.Insert(0, operationId);
        if (ids.Count > IOperationIndexGrain.Capacity)
        {
            ids.RemoveRange(IOperationIndexGrain.Capacity, ids.Count - IOperationIndexGrain.Capacity);
        }

        await _state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(_state.State.Ids.ToList());
}
