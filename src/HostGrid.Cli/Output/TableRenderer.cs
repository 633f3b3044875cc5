using HostGrid.Api.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HostGrid.Cli.Output;

/// <summary>Spectre.Console tables; colour only on a terminal, and wide lines when piped so rows do not wrap.</summary>
internal sealed class TableRenderer : IOutputRenderer
{
    private const int PipedWidth = 240;
    private readonly IAnsiConsole _console;
    private readonly TimeProvider _time;

    /// <param name="output">Where the tables go.</param>
    /// <param name="time">The clock ages such as `DECLARED` are measured against.</param>
    public TableRenderer(TextWriter output, TimeProvider time)
    {
        _time = time;
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
            _console.Profile.Width = PipedWidth;
    }

    public void WriteCluster(Api.V1.Cluster cluster)
    {
        var totals = NewTable("RESOURCE", "ALLOCATED", "CAPACITY", "USED");
        AddTotal(totals, "cpu (vcpus)", cluster.Allocated?.Vcpus ?? 0, cluster.Capacity?.Vcpus ?? 0);
        AddTotal(totals, "memory (MiB)", cluster.Allocated?.MemoryMib ?? 0, cluster.Capacity?.MemoryMib ?? 0);
        AddTotal(totals, "disk (GiB)", cluster.Allocated?.DiskGib ?? 0, cluster.Capacity?.DiskGib ?? 0);
        _console.Write(totals);

        var states = cluster.VmsByState.Where(s => s.Value > 0).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => $"{TextFormat.StateKey(s.Key)} {s.Value}");
        _console.WriteLine($"VMs: {cluster.VmCount}" + (cluster.VmCount > 0 ? $" ({string.Join(", ", states)})" : ""));
        if (cluster.FailoversInProgress > 0)
            _console.WriteLine($"Failovers in progress: {cluster.FailoversInProgress} (see 'hostgrid failovers list')");
        else if (cluster.FailoversInProgress < 0)
            _console.WriteLine("Failovers in progress: unknown (failover coordinator not reachable)");
        _console.WriteLine();

        var hosts = NewTable("HOST", "STATUS", "VMS", "CPU LOAD", "MEMORY LOAD", "HEARTBEAT");
        foreach (var host in cluster.Hosts.OrderBy(h => h.HostId, StringComparer.Ordinal))
        {
            hosts.AddRow(
                Text(host.HostId), Status(host), Text(host.VmIds.Count.ToString()),
                LoadBar(host.Load?.CpuFraction), LoadBar(host.Load?.MemoryFraction),
                Text(TextFormat.HeartbeatAge(host.HeartbeatAgeSeconds)));
        }
        _console.Write(hosts);
    }

    public void WriteHosts(IReadOnlyList<Host> hosts)
    {
        var table = NewTable("HOST", "STATUS", "VMS", "CPU", "MEMORY (MiB)", "DISK (GiB)", "LOAD (cpu/mem)", "HEARTBEAT", "LABELS");
        foreach (var host in hosts)
        {
            table.AddRow(
                Text(host.HostId), Status(host), Text(host.VmIds.Count.ToString()),
                Text($"{host.Allocated?.Vcpus ?? 0}/{host.Capacity?.Vcpus ?? 0}"),
                Text($"{host.Allocated?.MemoryMib ?? 0}/{host.Capacity?.MemoryMib ?? 0}"),
                Text($"{host.Allocated?.DiskGib ?? 0}/{host.Capacity?.DiskGib ?? 0}"),
                Text(host.Load is null ? "-" : $"{TextFormat.Percent(host.Load.CpuFraction)}/{TextFormat.Percent(host.Load.MemoryFraction)}"),
                Text(TextFormat.HeartbeatAge(host.HeartbeatAgeSeconds)),
                Text(TextFormat.Labels(host.Labels)));
        }
        _console.Write(table);
    }

    public void WriteHost(Host host, IReadOnlyList<Vm> vms)
    {
        var details = Details(
            ("Host", Text(host.HostId)),
            ("Status", Status(host)),
            ("Heartbeat", Text(TextFormat.HeartbeatAge(host.HeartbeatAgeSeconds))),
            ("CPU", AllocationBar(host.Allocated?.Vcpus ?? 0, host.Capacity?.Vcpus ?? 0, "vcpus")),
            ("Memory", AllocationBar(host.Allocated?.MemoryMib ?? 0, host.Capacity?.MemoryMib ?? 0, "MiB")),
            ("Disk", AllocationBar(host.Allocated?.DiskGib ?? 0, host.Capacity?.DiskGib ?? 0, "GiB")),
            ("CPU load", LoadBar(host.Load?.CpuFraction)),
            ("Memory load", LoadBar(host.Load?.MemoryFraction)),
            ("Labels", Text(TextFormat.Labels(host.Labels))));
        _console.Write(details);
        _console.WriteLine();
        _console.WriteLine($"VMs: {vms.Count}");
        if (vms.Count > 0)
            WriteVms(vms);
    }

    public void WriteVms(IReadOnlyList<Vm> vms)
    {
        var table = NewTable("VM", "STATE", "DESIRED", "HOST", "CPUS", "MEMORY (MiB)", "DISK (GiB)", "EPOCH", "PINNED", "LABELS");
        foreach (var vm in vms)
        {
            table.AddRow(
                Text(vm.VmId), State(vm.State), Text(TextFormat.Name(vm.DesiredState)), Text(Or(vm.HostId)),
                Text($"{vm.Resources?.Vcpus ?? 0}"), Text($"{vm.Resources?.MemoryMib ?? 0}"), Text($"{vm.Resources?.DiskGib ?? 0}"),
                Text(vm.Epoch.ToString()), Text(Pinned(vm)), Text(TextFormat.Labels(vm.Labels)));
        }
        _console.Write(table);
    }

    public void WriteVm(Vm vm) => _console.Write(Details(
        ("VM", Text(vm.VmId)),
        ("State", State(vm.State)),
        ("Desired", Text(TextFormat.Name(vm.DesiredState))),
        ("Host", Text(Or(vm.HostId))),
        ("Epoch", Text(vm.Epoch.ToString())),
        ("Restart priority", Text(TextFormat.Name(vm.RestartPriority))),
        ("Pinned", Text(vm.Migratable ? "no (the rebalancer may move it)" : "yes (the rebalancer leaves it where it is)")),
        ("Resources", Text($"{vm.Resources?.Vcpus ?? 0} vcpus, {vm.Resources?.MemoryMib ?? 0} MiB, {vm.Resources?.DiskGib ?? 0} GiB")),
        ("Labels", Text(TextFormat.Labels(vm.Labels))),
        ("Anti-affinity", Text(Or(vm.AntiAffinityGroup))),
        ("Host labels", Text(TextFormat.Labels(vm.RequiredHostLabels))),
        ("Message", Text(Or(vm.StatusMessage))),
        ("Created", Text(TextFormat.Timestamp(vm.CreateTime))),
        ("Updated", Text(TextFormat.Timestamp(vm.UpdateTime)))));

    public void WriteDeleted(string name) => _console.WriteLine($"deleted {name}");

    public void WriteFailovers(IReadOnlyList<Failover> failovers)
    {
        var now = _time.GetUtcNow();
        var table = NewTable("FAILOVER", "HOST", "CAUSE", "PHASE", "DECLARED", "FENCE WAIT", "DURATION", "RESTARTED", "PENDING", "SKIPPED");
        foreach (var failover in failovers)
        {
            table.AddRow(
                Text(failover.FailoverId), Text(failover.HostId), Text(TextFormat.Name(failover.Cause)), Phase(failover.Phase),
                Text(TextFormat.Age(failover.DeclaredTime, now)),
                Text(TextFormat.Duration(failover.DeclaredTime, failover.FenceTime) ?? "-"),
                Text(TextFormat.Duration(failover.DeclaredTime, failover.CompletedTime) ?? "running"),
                Text(failover.RestartedCount.ToString()), Text(failover.PendingCount.ToString()), Text(failover.SkippedCount.ToString()));
        }
        _console.Write(table);
    }

    public void WriteFailover(Failover failover)
    {
        var now = _time.GetUtcNow();
        var fenceWait = TextFormat.Duration(failover.DeclaredTime, failover.FenceTime);
        var duration = TextFormat.Duration(failover.DeclaredTime, failover.CompletedTime);
        _console.Write(Details(
            ("Failover", Text(failover.FailoverId)),
            ("Host", Text(failover.HostId)),
            ("Cause", Text(TextFormat.Name(failover.Cause))),
            ("Phase", Phase(failover.Phase)),
            ("Last heartbeat", Text(TextFormat.Timestamp(failover.LastHeartbeatTime))),
            ("Declared", Text($"{TextFormat.Timestamp(failover.DeclaredTime)} ({TextFormat.Age(failover.DeclaredTime, now)})")),
            ("Fence", Text(fenceWait is null ? "-" : $"{TextFormat.Timestamp(failover.FenceTime)} (wait {fenceWait})")),
            ("Completed", Text(duration is null ? "running" : $"{TextFormat.Timestamp(failover.CompletedTime)} (took {duration})")),
            ("VMs", Text($"restarted {failover.RestartedCount}, pending {failover.PendingCount}, skipped {failover.SkippedCount}"))));
        _console.WriteLine();
        _console.WriteLine($"Outcomes: {failover.Outcomes.Count}");
        if (failover.Outcomes.Count == 0)
            return;
        var table = NewTable("VM", "RESULT", "NEW HOST", "EPOCH", "REASON");
        foreach (var outcome in failover.Outcomes)
        {
            table.AddRow(
                Text(outcome.VmId), Result(outcome.Result), Text(Or(outcome.NewHostId)),
                Text(outcome.Epoch.ToString()), Text(Or(outcome.Reason)));
        }
        _console.Write(table);
    }

    public void WriteOperations(IReadOnlyList<Operation> operations)
    {
        var now = _time.GetUtcNow();
        var table = NewTable("OPERATION", "KIND", "STATE", "SUBJECT", "FROM", "TO", "PHASE", "PROGRESS", "CREATED", "DURATION", "MESSAGE");
        foreach (var operation in operations)
        {
            var drain = operation.Kind == OperationKind.Drain;
            var rebalance = operation.Kind == OperationKind.Rebalance;
            table.AddRow(
                Text(operation.OperationId), Text(TextFormat.Name(operation.Kind)), State(operation.State),
                Text(drain ? operation.SourceHostId : rebalance ? "cluster" : Or(operation.VmId)),
                Text(Or(operation.SourceHostId)), Text(Or(operation.TargetHostId)),
                Text(drain || rebalance ? "-" : operation.Round > 0 ? $"{TextFormat.Name(operation.Phase)} r{operation.Round}" : TextFormat.Name(operation.Phase)),
                Text(drain ? TextFormat.DrainFigures(operation.Drain)
                    : rebalance ? TextFormat.RebalanceFigures(operation.Rebalance)
                    : operation.MemoryBytes > 0 ? $"{TextFormat.Mib(operation.BytesSent)}/{TextFormat.Mib(operation.MemoryBytes)} MiB" : "-"),
                Text(TextFormat.Age(operation.CreateTime, now)),
                Text(TextFormat.Duration(operation.CreateTime, operation.CompleteTime) ?? "running"),
                Text(Or(operation.Message)));
        }
        _console.Write(table);
    }

    public void WriteOperation(Operation operation)
    {
        var now = _time.GetUtcNow();
        var rows = new List<(string, IRenderable)>
        {
            ("Operation", Text(operation.OperationId)),
            ("Kind", Text(TextFormat.Name(operation.Kind))),
            ("State", State(operation.State)),
        };
        if (operation.Kind == OperationKind.Drain)
        {
            rows.Add(("Host", Text(operation.SourceHostId)));
            rows.Add(("Guests", Text(TextFormat.DrainFigures(operation.Drain))));
        }
        else if (operation.Kind == OperationKind.Rebalance)
        {
            var rebalance = operation.Rebalance ?? new RebalanceProgress();
            rows.Add(("Moves", Text(TextFormat.RebalanceFigures(rebalance))));
            rows.Add(("Imbalance", Text(TextFormat.ImbalanceChange(rebalance.Plan)
                + (rebalance.HasImbalanceNow ? $", now {TextFormat.Imbalance(rebalance.ImbalanceNow)}" : ""))));
        }
        else
        {
            rows.Add(("VM", Text(Or(operation.VmId))));
            rows.Add(("From", Text(Or(operation.SourceHostId))));
            rows.Add(("To", Text(Or(operation.TargetHostId))));
            rows.Add(("Phase", Text(TextFormat.Name(operation.Phase))));
            rows.Add(("Round", Text(operation.Round.ToString())));
            rows.Add(("Sent", Text($"{TextFormat.Mib(operation.BytesSent)}/{TextFormat.Mib(operation.MemoryBytes)} MiB")));
            rows.Add(("Dirty", Text($"{TextFormat.MibDecimal(operation.RemainingDirtyBytes)} MiB")));
            rows.Add(("Bandwidth", Text($"{TextFormat.MibDecimal(operation.BandwidthBytesPerSecond)} MiB/s")));
            rows.Add(("Throttle", Text($"{operation.ThrottlePercent}%")));
            rows.Add(("Downtime", Text(TextFormat.Milliseconds(operation.Downtime))));
        }

        rows.Add(("Cancel requested", Text(operation.CancelRequested ? "yes" : "no")));
        rows.Add(("Message", Text(Or(operation.Message))));
        rows.Add(("Created", Text($"{TextFormat.Timestamp(operation.CreateTime)} ({TextFormat.Age(operation.CreateTime, now)})")));
        rows.Add(("Updated", Text(TextFormat.Timestamp(operation.UpdateTime))));
        var took = TextFormat.Duration(operation.CreateTime, operation.CompleteTime);
        rows.Add(("Completed", Text(took is null ? "running" : $"{TextFormat.Timestamp(operation.CompleteTime)} (took {took})")));
        _console.Write(Details([.. rows]));
        if (operation.Rebalance?.Plan is { Moves.Count: > 0 } plan)
        {
            _console.WriteLine();
            WriteMoves(plan);
        }

        var migrations = (IReadOnlyList<string>?)operation.Drain?.Migrations ?? operation.Rebalance?.Migrations ?? [];
        if (migrations.Count > 0)
        {
            _console.WriteLine();
            _console.WriteLine($"Migrations: {string.Join(' ', migrations.Select(TextFormat.OperationId))}");
        }
    }

    public void WriteRebalancePlan(RebalancePlan plan)
    {
        _console.WriteLine($"Imbalance: {TextFormat.ImbalanceChange(plan)}{(plan.ReachesTarget ? "" : ", above target")}");
        if (plan.Moves.Count == 0)
        {
            _console.WriteLine(plan.WhyNoMoves.Length == 0 ? "No moves: the cluster is balanced." : $"No moves: {plan.WhyNoMoves}");
            return;
        }

        _console.WriteLine($"Moves: {plan.Moves.Count}, {plan.MemoryMibMoved} MiB to copy");
        if (plan.WhyNoMoves.Length > 0)
            _console.WriteLine($"Stops above target: {plan.WhyNoMoves}");
        _console.WriteLine();
        WriteMoves(plan);
    }

    public void WriteRebalancer(Rebalancer rebalancer)
    {
        var now = _time.GetUtcNow();
        var above = rebalancer.ImbalanceAboveSince is null ? "" : $", above it since {TextFormat.Age(rebalancer.ImbalanceAboveSince, now)}";
        var recommendation = rebalancer.Recommendation;
        _console.Write(Details(
            ("Mode", Text(TextFormat.Name(rebalancer.Mode))),
            ("Aggressiveness", Text($"{rebalancer.Aggressiveness} (1 cautious - 5 eager)")),
            ("Imbalance", Text($"{TextFormat.Imbalance(rebalancer.Imbalance)} (target {TextFormat.Imbalance(rebalancer.TargetImbalance)}{above})")),
            ("Running pass", Text(rebalancer.ActiveOperation.Length == 0 ? "-" : TextFormat.OperationId(rebalancer.ActiveOperation))),
            ("Last pass", Text(rebalancer.LastPassTime is null ? "never" : $"{TextFormat.Timestamp(rebalancer.LastPassTime)} ({TextFormat.Age(rebalancer.LastPassTime, now)})")),
            ("Recommendation", Text(recommendation is null ? "-"
                : $"{recommendation.Moves.Count} moves, {recommendation.MemoryMibMoved} MiB, imbalance {TextFormat.ImbalanceChange(recommendation)} ({TextFormat.Age(rebalancer.RecommendTime, now)})"))));
        if (recommendation is { Moves.Count: > 0 })
        {
            _console.WriteLine();
            WriteMoves(recommendation);
        }
    }

    /// <summary>A plan's moves in order: the guest, its hosts, the memory copied, the imbalance it changes and why.</summary>
    private void WriteMoves(RebalancePlan plan)
    {
        var table = NewTable("#", "VM", "FROM", "TO", "MEMORY (MiB)", "IMBALANCE", "WHY");
        var step = 0;
        foreach (var move in plan.Moves)
        {
            table.AddRow(
                Text($"{++step}"), Text(move.VmId), Text(move.FromHostId), Text(move.ToHostId), Text($"{move.MemoryMib}"),
                Text($"{TextFormat.Imbalance(move.ImbalanceBefore)} → {TextFormat.Imbalance(move.ImbalanceAfter)}"), Text(Or(move.Why)));
        }
        _console.Write(table);
    }

    public void WriteMaintenance(SetHostMaintenanceResponse response)
    {
        if (response.Host is not null)
            WriteHosts([response.Host]);
        if (response.Drain is null)
            return;
        _console.WriteLine();
        WriteOperation(response.Drain);
    }

    private static Table NewTable(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
            table.AddColumn(new TableColumn(new Text(column, new Style(decoration: Decoration.Bold))));
        return table;
    }

    private static Grid Details(params (string Label, IRenderable Value)[] rows)
    {
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        foreach (var (label, value) in rows)
            grid.AddRow(new Text(label, new Style(decoration: Decoration.Bold)), value);
        return grid;
    }

    private static void AddTotal(Table table, string resource, long allocated, long capacity) =>
        table.AddRow(Text(resource), Text(allocated.ToString()), Text(capacity.ToString()), Bar(TextFormat.Fraction(allocated, capacity)));

    private static Text AllocationBar(long allocated, long capacity, string unit) =>
        Text($"{TextFormat.Bar(TextFormat.Fraction(allocated, capacity))}  {allocated}/{capacity} {unit}");

    private static Text LoadBar(double? fraction) => fraction is { } value ? Bar(value) : Text("-");

    private static Text Bar(double fraction) =>
        new Text(TextFormat.Bar(fraction), new Style(fraction >= 0.9 ? Color.Red : fraction >= 0.7 ? Color.Yellow : Color.Green));

    private static Text Status(Host host) => new Text(TextFormat.Status(host), new Style(host.Maintenance ? Color.Grey : host.Status switch
    {
        HostStatus.Up => Color.Green,
        HostStatus.Suspect => Color.Yellow,
        HostStatus.Down => Color.Red,
        HostStatus.Joining => Color.Blue,
        _ => Color.Grey,
    }));

    private static Text State(VmState state) => new Text(TextFormat.Name(state), new Style(state switch
    {
        VmState.Running => Color.Green,
        VmState.Failed => Color.Red,
        VmState.Pending or VmState.Starting or VmState.Stopping or VmState.Migrating or VmState.Deleting => Color.Yellow,
        _ => Color.Grey,
    }));

    private static Text State(OperationState state) => new Text(TextFormat.Name(state), new Style(state switch
    {
        OperationState.Succeeded => Color.Green,
        OperationState.Running => Color.Yellow,
        OperationState.Failed => Color.Red,
        _ => Color.Grey,
    }));

    private static Text Phase(FailoverPhase phase) => new Text(TextFormat.Name(phase), new Style(phase switch
    {
        FailoverPhase.Completed or FailoverPhase.Withdrawn => Color.Green,
        FailoverPhase.AwaitingFence or FailoverPhase.Restarting => Color.Yellow,
        _ => Color.Grey,
    }));

    private static Text Result(VmFailoverResult result) => new Text(TextFormat.Name(result), new Style(result switch
    {
        VmFailoverResult.Restarted => Color.Green,
        VmFailoverResult.Pending => Color.Yellow,
        VmFailoverResult.Skipped => Color.Red,
        _ => Color.Grey,
    }));

    private static Text Text(string value) => new(value);

    private static string Pinned(Vm vm) => vm.Migratable ? "no" : "yes";

    private static string Or(string value) => value.Length == 0 ? "-" : value;
}
