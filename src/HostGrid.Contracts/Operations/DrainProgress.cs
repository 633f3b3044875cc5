namespace HostGrid.Contracts.Operations;

/// <summary>How far a host's drain is: guests it had, moved off, failed to move, and the migrations it ran.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.DrainProgress")]
public sealed record DrainProgress(
    [property: Id(0)] int Total,
    [property: Id(1)] int Moved,
    [property: Id(2)] int Failed,
    [property: Id(3)] IReadOnlyList<string> Migrations);
