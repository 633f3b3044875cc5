using HostGrid.Contracts.Migration;

namespace HostGrid.Grains.Vms;

/// <summary>
/// The persisted state of a guest's migration in progress, so a new activation of the guest's grain can finish it
/// (from <see cref="MigrationPhase.Commit"/> on) or roll it back (before).
/// </summary>
[GenerateSerializer, Alias("hostgrid.MigrationRecord")]
public sealed class MigrationRecord
{
    [Id(0)] public required string OperationId { get; init; }

    [Id(1)] public required HostId Source { get; init; }

    [Id(2)] public HostId Target { get; set; }

    [Id(3)] public MigrationPhase Phase { get; set; }

    /// <summary>The epoch the guest runs at on the source; it keeps it if the move rolls back.</summary>
    [Id(4)] public required long SourceEpoch { get; init; }

    /// <summary>The epoch the destination's copy runs at once the move commits.</summary>
    [Id(5)] public required long TargetEpoch { get; init; }

    /// <summary>A running guest moves live; a stopped one only changes host (cold).</summary>
    [Id(6)] public required bool Live { get; init; }

    [Id(7)] public required DateTimeOffset StartedAt { get; init; }

    [Id(8)] public MigrationEndpoint? Endpoint { get; set; }

    // Id 9 was the destination's silo; the grain now finds the silo serving its host when it follows the guest.

    [Id(10)] public MigrationResult? Result { get; set; }

    [Id(11)] public bool CancelRequested { get; set; }
}
