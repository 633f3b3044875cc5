using System.Diagnostics;
using Grpc.Core;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Operations;

/// <summary>
/// Reads an operation every <paramref name="interval"/> until it finishes or <paramref name="maxWait"/> has passed.
/// The migrations of a drain or a rebalance pass are read with it (only those not yet finished), so a view can show
/// each one as it runs.
/// </summary>
internal sealed class OperationFollower(GatewayConnection gateway, TimeSpan interval, TimeSpan maxWait)
{
    /// <summary>
    /// Calls <paramref name="update"/> with the operation as started and after every read; returns the last read,
    /// which is still RUNNING when the wait ran out. A gateway error ends the follow (the operation runs on).
    /// </summary>
    public async Task<Operation> FollowAsync(Operation started, Action<Operation, IReadOnlyList<Operation>> update, CancellationToken cancellationToken)
    {
        var migrations = new Dictionary<string, Operation>(StringComparer.Ordinal);
        var current = started;
        var since = Stopwatch.GetTimestamp();
        await ReadMigrationsAsync(current, migrations, cancellationToken);
        update(current, InOrder(current, migrations));
        while (current.State == OperationState.Running && Stopwatch.GetElapsedTime(since) < maxWait)
        {
            await Task.Delay(interval, cancellationToken);
            current = await gateway.Operations.GetOperationAsync(new GetOperationRequest { Name = current.Name }, gateway.Poll(cancellationToken));
            await ReadMigrationsAsync(current, migrations, cancellationToken);
            update(current, InOrder(current, migrations));
        }

        return current;
    }

    /// <summary>The migrations a drain or a rebalance pass started, in order; none for a migration.</summary>
    public static IReadOnlyList<string> Migrations(Operation operation) =>
        (IReadOnlyList<string>?)operation.Drain?.Migrations ?? operation.Rebalance?.Migrations ?? [];

    /// <summary>Reads the operation's migrations that are new or still running; one that is gone is left out.</summary>
    private async Task ReadMigrationsAsync(Operation operation, Dictionary<string, Operation> migrations, CancellationToken cancellationToken)
    {
        foreach (var name in Migrations(operation))
        {
            if (migrations.TryGetValue(name, out var known) && known.State != OperationState.Running)
                continue;
            try
            {
                migrations[name] = await gateway.Operations.GetOperationAsync(new GetOperationRequest { Name = name }, gateway.Poll(cancellationToken));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                migrations.Remove(name);
            }
        }
    }

    private static List<Operation> InOrder(Operation operation, Dictionary<string, Operation> migrations) =>
        [.. Migrations(operation).Where(migrations.ContainsKey).Select(n => migrations[n])];
}
