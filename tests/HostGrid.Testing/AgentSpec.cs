namespace HostGrid.Testing;

/// <summary>One simulated host and the agent process that serves it.</summary>
public sealed record AgentSpec(string HostId, int Vcpus, long MemoryMib, long DiskGib, IReadOnlyDictionary<string, string>? Labels = null);
