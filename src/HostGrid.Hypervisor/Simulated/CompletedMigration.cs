using HostGrid.Contracts.Migration;

namespace HostGrid.Hypervisor.Simulated;

/// <summary>A guest's outgoing migration whose copy the destination verified: a retried MigrateOut returns its result.</summary>
internal sealed record CompletedMigration(string OperationId, MigrationResult Result);
