using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Tests;

internal static class Guests
{
    public static readonly HostId Host = new("hv-1");

    public static GuestSpec Spec(int vcpus = 2, long memoryMib = 1000) =>
        new(new ResourceAmounts(vcpus, memoryMib, 10), new Dictionary<string, string>());

    /// <summary>A simulated hypervisor that starts and stops guests at once.</summary>
    public static SimulatedHypervisor Hypervisor(TimeProvider? time = null, string? ledgerDirectory = null) =>
        new(Host, new SimulatedHypervisorOptions { StartLatency = TimeSpan.Zero, LedgerDirectory = ledgerDirectory }, time ?? new ManualTime());
}
