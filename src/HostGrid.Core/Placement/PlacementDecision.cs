namespace HostGrid.Core.Placement;

/// <summary>
/// Hosts that fit, best first, and why each other host was refused. The caller reserves on the first
/// candidate and moves to the next when the host refuses (its capacity changed meanwhile).
/// </summary>
public sealed record PlacementDecision(IReadOnlyList<HostId> Candidates, IReadOnlyList<PlacementRejection> Rejections)
{
    public bool HasCandidates => Candidates.Count > 0;

    /// <summary>One line that says why no host fits, for errors and pending guests.</summary>
    public string Explain(VmId vmId, ResourceAmounts wanted)
    {
        var head = $"no host can take vm {vmId} ({wanted.Vcpus} vCPU, {wanted.MemoryMib} MiB, {wanted.DiskGib} GiB)";
        return Rejections.Count == 0
            ? head + ": the cluster has no hosts"
            : head + ": " + string.Join("; ", Rejections.Select(r => $"{r.HostId}: {r.Reason}"));
    }
}
