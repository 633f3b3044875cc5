using System.Text.Json;

namespace HostGrid.Hypervisor.Qemu.Qmp;

/// <summary>An asynchronous QMP event, e.g. <c>STOP</c>, <c>RESUME</c>, <c>SHUTDOWN</c>, <c>MIGRATION</c>.</summary>
/// <param name="Name">The event name as QEMU sends it (<c>"event"</c>).</param>
/// <param name="Data">The <c>"data"</c> object, or an empty object when the event has none. Safe to keep.</param>
/// <param name="Timestamp">When QEMU emitted the event (<c>"timestamp"</c>); the Unix epoch if it sent none.</param>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp);
