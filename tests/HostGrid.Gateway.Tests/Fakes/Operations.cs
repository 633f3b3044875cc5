using HostGrid.Contracts.Migration;
using HostGrid.Contracts.Operations;

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
}
