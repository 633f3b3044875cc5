namespace HostGrid.Hypervisor;

/// <summary>The hosts this agent serves, each with its epoch-fenced driver. A silo-wide singleton.</summary>
public sealed class LocalHypervisors : IDisposable
{
    private readonly Dictionary<HostId, EpochFencedDriver> _drivers;

    public LocalHypervisors(IEnumerable<IHypervisorDriver> drivers) =>
        _drivers = drivers.ToDictionary(d => d.HostId, d => new EpochFencedDriver(d));

    public IReadOnlyCollection<HostId> HostIds => _drivers.Keys;

    public IEnumerable<EpochFencedDriver> Drivers => _drivers.Values;

    public void Dispose()
    {
        foreach (var driver in _drivers.Values)
        {
            driver.Dispose();
        }
    }

    public bool TryGet(HostId hostId, out EpochFencedDriver driver) => _drivers.TryGetValue(hostId, out driver!);
}
