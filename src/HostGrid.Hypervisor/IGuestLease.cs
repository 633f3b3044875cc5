namespace HostGrid.Hypervisor;

/// <summary>
/// A hypervisor whose guests outlive the agent (separate processes, like QEMU's) holds a lease the agent renews on every
/// acknowledged heartbeat. Something outside the agent stops the guests once the lease lapses, so a killed or frozen
/// agent leaves nothing running past the fencing window, and no guest starts here without a live lease.
/// </summary>
public interface IGuestLease
{
    /// <summary>Extends the lease to <paramref name="validUntil"/>; never shortens it.</summary>
    void Renew(DateTimeOffset validUntil);
}
