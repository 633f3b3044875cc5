using HostGrid.Hypervisor.Qemu.Qmp;

namespace HostGrid.Hypervisor.Qemu.Guests;

/// <summary>
/// A move out that did not converge and waits, its QEMU migration still running, for its commit and then post-copy. Both
/// waits were registered before <c>migrate</c>: the source's pause (STOP) and the migration's end.
/// </summary>
internal sealed record OutgoingMigration(string OperationId, Task<QmpEvent> Paused, Task<QmpEvent> Finished, DateTimeOffset Started);
