namespace HostGrid.Contracts.Migration;

/// <summary>
/// Where the destination agent listens for one incoming guest's pages, and the token the source must present
/// so that no other connection can feed that guest.
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.MigrationEndpoint")]
public sealed record MigrationEndpoint(
    [property: Id(0)] string Address,
    [property: Id(1)] int Port,
    [property: Id(2)] string Token);
