namespace HostGrid.Agent.Hosting;

/// <summary>The hypervisor drivers an agent can run.</summary>
public enum HypervisorDriverKind
{
    /// <summary>Guests simulated in memory (the default, for development and tests).</summary>
    Simulated,

    /// <summary>Real guests: one QEMU process per guest driven over QMP (KVM when available, else TCG); see <c>HostGrid:Qemu</c>.</summary>
    Qemu,
}
