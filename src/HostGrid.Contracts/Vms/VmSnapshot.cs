namespace HostGrid.Contracts.Vms;

/// <summary>A read of a guest's record.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.VmSnapshot")]
public sealed record VmSnapshot(
    [property: Id(0)] VmId VmId,
    [property: Id(1)] VmSpec Spec,
    [property: Id(2)] VmState DesiredState,
    [property: Id(3)] VmState State,
    [property: Id(4)] HostId? Host,
    [property: Id(5)] long Epoch,
    [property: Id(6)] string? StatusMessage,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt);
