namespace HostGrid.Contracts.Migration;

/// <summary>A live figure of a migration as the source's data plane sees it.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.MigrationProgress")]
public sealed record MigrationProgress(
    [property: Id(0)] MigrationPhase Phase,
    [property: Id(1)] int Round,
    [property: Id(2)] long BytesSent,
    [property: Id(3)] long RemainingDirtyBytes,
    [property: Id(4)] long MemoryBytes,
    [property: Id(5)] double BandwidthBytesPerSecond,
    [property: Id(6)] int ThrottlePercent);
