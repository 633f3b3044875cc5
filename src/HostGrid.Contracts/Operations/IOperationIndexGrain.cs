namespace HostGrid.Contracts.Operations;

/// <summary>The persisted list of recent operations, newest first, so listing needs no storage scan. Single key: <see cref="Key"/>.</summary>
[Alias("hostgrid.IOperationIndexGrain")]
public interface IOperationIndexGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    /// <summary>How many operations the index keeps; the oldest finished ones drop out first.</summary>
    const int Capacity = 1000;

    [Alias("Add")]
    Task AddAsync(string operationId);

    /// <summary>Operation ids, newest first.</summary>
    [Alias("List"), AlwaysInterleave]
    Task<IReadOnlyList<string>> ListAsync();
}
