namespace HostGrid.Contracts.Migration;

/// <summary>
/// Identifies one live migration to both agents: the operation, the guest, the epoch it runs at on the source and the
/// epoch its copy will run at on the destination once the move commits.
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.MigrationTicket")]
public sealed record MigrationTicket(
    [property: Id(0)] string OperationId,
    [property: Id(1)] VmId VmId,
    [property: Id(2)] long SourceEpoch,
    [property: Id(3)] long TargetEpoch);
