using System.Diagnostics;
using Grpc.Core;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Operations;

/// <summary>
/// Reads an operation every <paramref name="interval"/> until it finishes or <paramref name="maxWait"/> has passed.
/// A drain's migrations are read with it (only those not yet finished), so a view can show each one as it runs.
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

    /// <summary>Reads the drain's migrations that are new or still running; one that is gone is left out.</summary>
    private async Task ReadMigrationsAsync(Operation drain, Dictionary<string, Operation> migrations, CancellationToken cancellationToken)
    {
        if (drain.Drain is null)
            return;
        foreach (var name in drain.Drain.Migrations)
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

    private static List<Operation> InOrder(Operation drain, Dictionary<string, Operation> migrations) =>
        drain.Drain is null ? [] : [.. drain.Drain.Migrations.Where(migrations.ContainsKey).Select(n => migrations[n])];
}
