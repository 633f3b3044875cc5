using HostGrid.Contracts.Operations;

namespace HostGrid.Gateway.Api;

/// <summary>What ListOperations keeps; a null part matches everything. A host matches as source, target or drained host.</summary>
public sealed record OperationFilter(OperationState? State, OperationKind? Kind, VmId? Vm, HostId? Host)
{
    public static readonly OperationFilter None = new(null, null, null, null);

    public bool Matches(OperationSnapshot operation) =>
        (State is null || operation.State == State)
        && (Kind is null || operation.Kind == Kind)
        && (Vm is null || operation.VmId == Vm)
        && (Host is null || operation.SourceHost == Host || operation.TargetHost == Host);
}
