using HostGrid.Contracts.Migration;
using HostGrid.Contracts.Operations;
using HostGrid.Contracts.Rebalancing;

namespace HostGrid.Gateway.Tests.Fakes;

/// <summary>Sample operation records.</summary>
internal static class Operations
{
    public static readonly DateTimeOffset Created = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static OperationSnapshot Migration(
        string id = "op-1",
        string vm = "web-1",
        string source = "hv-1",
        string? target = "hv-2",
        OperationState state = OperationState.Running,
        MigrationPhase phase = MigrationPhase.PreCopy,
        MigrationProgress? progress = null,
        int createdSecond = 0) =>
        new(id, OperationKind.Migrate, state, new VmId(vm), new HostId(source), target is null ? null : new HostId(target),
            phase, progress, null, null, Created.AddSeconds(createdSecond), Created.AddSeconds(createdSecond + 1), null, null, false);

    public static OperationSnapshot Drain(string id = "drain-1", string host = "hv-1", OperationState state = OperationState.Running, params string[] migrations) =>
        new(id, OperationKind.Drain, state, null, new HostId(host), null, MigrationPhase.Reserve, null, null, null,
            Created, Created.AddSeconds(2), null, new DrainProgress(migrations.Length + 1, migrations.Length, 0, migrations), false);

    /// <summary>A two-move plan, hv-1 → hv-2 and hv-1 → hv-3, from 0.30 to 0.08 under a 0.10 target.</summary>
    public static RebalancePlan Plan(string? whyNoMoves = null) => new(
        0.30, 0.08, 0.10,
        [
            new RebalanceMove(new VmId("web-1"), new HostId("hv-1"), new HostId("hv-2"), "hv-1 at 90% cpu, hv-2 at 20%", 0.30, 0.17, 2048),
            new RebalanceMove(new VmId("db-1"), new HostId("hv-1"), new HostId("hv-3"), "hv-1 at 70% cpu, hv-3 at 25%", 0.17, 0.08, 4096),
        ],
        whyNoMoves);

    public static OperationSnapshot Rebalance(string id = "rebalance-1", OperationState state = OperationState.Running, params string[] migrations) =>
        new(id, OperationKind.Rebalance, state, null, null, null, MigrationPhase.Reserve, null, null, null,
            Created, Created.AddSeconds(2), null, null, false, new RebalanceProgress(Plan(), migrations.Length, 0, migrations, 0.17));
}
