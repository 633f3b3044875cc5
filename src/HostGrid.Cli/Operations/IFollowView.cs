using HostGrid.Api.V1;

namespace HostGrid.Cli.Operations;

/// <summary>Shows an operation while <see cref="OperationFollower"/> follows it.</summary>
internal interface IFollowView
{
    /// <summary>
    /// Runs <paramref name="follow"/>, handing it the callback that shows each read (the operation and, for a drain
    /// or a rebalance pass, its migrations), and returns what it returns.
    /// </summary>
    Task<Operation> ShowAsync(Func<Action<Operation, IReadOnlyList<Operation>>, Task<Operation>> follow);
}
