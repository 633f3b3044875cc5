using HostGrid.Contracts.Migration;

namespace HostGrid.Contracts.Hosts;

/// <summary>A destination ready to receive: where the source sends pages, and the silo serving the destination host.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.IncomingMigration")]
public sealed record IncomingMigration(
    [property: Id(0)] MigrationEndpoint Endpoint,
    [property: Id(1)] SiloAddress Silo);
