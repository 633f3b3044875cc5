using HostGrid.Api.V1;
using HostGrid.Cli.Output;

namespace HostGrid.Cli.Operations;

/// <summary>
/// For logs and pipes: plain lines, no escape codes, and a line only when something a reader cares about changed
/// (a migration's phase or round; a drain's or a rebalance pass's counts, or one of its migrations' phase), not on
/// every read.
/// </summary>
internal sealed class LineFollowView(TextWriter output) : IFollowView
{
    private readonly Dictionary<string, string> _shown = new(StringComparer.Ordinal);

    public Task<Operation> ShowAsync(Func<Action<Operation, IReadOnlyList<Operation>>, Task<Operation>> follow) => follow(Show);

    private void Show(Operation operation, IReadOnlyList<Operation> migrations)
    {
        if (operation.Kind is OperationKind.Drain or OperationKind.Rebalance)
        {
            var header = operation.Kind == OperationKind.Drain
                ? $"draining {operation.SourceHostId}: {TextFormat.DrainFigures(operation.Drain)}"
                : $"rebalancing: {TextFormat.RebalanceFigures(operation.Rebalance)}";
            WriteOnChange(operation.Name, $"{operation.State}/{header}", () => header);
            foreach (var migration in migrations)
            {
                WriteOnChange(migration.Name, $"{migration.State}/{migration.Phase}", () => $"  {MigrationLine(migration)}");
            }

            return;
        }

        WriteOnChange(operation.Name, $"{operation.State}/{operation.Phase}/{operation.Round}", () => MigrationLine(operation));
    }

    /// <summary>`web-1 hv-1 → hv-2: pre-copy round 2  812/1024 MiB sent ...`, or the final state once finished.</summary>
    public static string MigrationLine(Operation migration) =>
        $"{migration.VmId} {migration.SourceHostId} → {Or(migration.TargetHostId)}: "
        + (migration.State == OperationState.Running ? TextFormat.MigrationFigures(migration) : TextFormat.Name(migration.State));

    private void WriteOnChange(string key, string state, Func<string> line)
    {
        if (_shown.TryGetValue(key, out var shown) && shown == state)
            return;
        _shown[key] = state;
        output.WriteLine(line());
    }

    private static string Or(string value) => value.Length == 0 ? "?" : value;
}
