using HostGrid.Api.V1;
using HostGrid.Cli.Output;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HostGrid.Cli.Operations;

/// <summary>
/// For a person at a terminal: a Spectre.Console live display redrawn on every read, with a progress bar and the
/// migration's figures (a drain or a rebalance pass: its counts and a line per running migration). Used only when
/// stdout is the terminal.
/// </summary>
internal sealed class LiveFollowView(IAnsiConsole console) : IFollowView
{
    private const int BarWidth = 30;

    public async Task<Operation> ShowAsync(Func<Action<Operation, IReadOnlyList<Operation>>, Task<Operation>> follow)
    {
        Operation? last = null;
        await console.Live(new Text("starting...")).AutoClear(false).StartAsync(async context =>
        {
            last = await follow((operation, migrations) =>
            {
                context.UpdateTarget(Render(operation, migrations));
                context.Refresh();
            });
        });
        return last!;
    }

    public static IRenderable Render(Operation operation, IReadOnlyList<Operation> migrations)
    {
        if (operation.Kind == OperationKind.Rebalance)
        {
            var rebalance = operation.Rebalance ?? new RebalanceProgress();
            var now = rebalance.HasImbalanceNow ? $", now {TextFormat.Imbalance(rebalance.ImbalanceNow)}" : "";
            return Group(
                new Text($"rebalancing  imbalance {TextFormat.ImbalanceChange(rebalance.Plan)}{now}  ({operation.OperationId})", new Style(decoration: Decoration.Bold)),
                new Text($"{TextFormat.Bar(TextFormat.Fraction(rebalance.Moved + rebalance.Failed, TextFormat.Planned(rebalance)), BarWidth)}  {TextFormat.RebalanceFigures(rebalance)}"),
                migrations,
                withSource: true);
        }

        if (operation.Kind != OperationKind.Drain)
        {
            return new Rows(
                new Text($"{operation.VmId}  {operation.SourceHostId} → {Or(operation.TargetHostId)}  ({operation.OperationId})", new Style(decoration: Decoration.Bold)),
                new Text($"{TextFormat.Bar(TextFormat.CopyFraction(operation), BarWidth)}  {TextFormat.MigrationFigures(operation)}"));
        }

        var drain = operation.Drain ?? new DrainProgress();
        return Group(
            new Text($"draining {operation.SourceHostId}  ({operation.OperationId})", new Style(decoration: Decoration.Bold)),
            new Text($"{TextFormat.Bar(TextFormat.Fraction(drain.Moved + drain.Failed, drain.Total), BarWidth)}  {TextFormat.DrainFigures(drain)}"),
            migrations,
            withSource: false);
    }

    /// <summary>
    /// A drain's or a rebalance pass's title and counts, then a line per migration still running (with its source
    /// for a rebalance, whose migrations leave different hosts).
    /// </summary>
    private static Rows Group(IRenderable title, IRenderable counts, IReadOnlyList<Operation> migrations, bool withSource)
    {
        var lines = new List<IRenderable> { title, counts };
        lines.AddRange(migrations.Where(m => m.State == OperationState.Running).Select(m =>
            new Text($"  {m.VmId} {(withSource ? $"{m.SourceHostId} " : "")}→ {Or(m.TargetHostId)}  {TextFormat.Bar(TextFormat.CopyFraction(m))}  {TextFormat.MigrationFigures(m)}")));
        return new Rows(lines);
    }

    /// <summary>A console on the process's stdout with ANSI and colours as the terminal supports.</summary>
    public static LiveFollowView ForTerminal() => new(AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Out),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Yes,
    }));

    private static string Or(string value) => value.Length == 0 ? "?" : value;
}
