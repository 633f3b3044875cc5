namespace HostGrid.Core.Tests;

/// <summary>Builds <see cref="HostSnapshot"/>s for placement tests: an Up host with room unless told otherwise.</summary>
internal sealed class HostBuilder
{
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _id;
    private HostStatus _status = HostStatus.Up;
    private ResourceAmounts _capacity = new(16, 65536, 1000);
    private readonly Dictionary<string, string> _labels = [];
    private readonly List<Reservation> _reservations = [];

    private HostBuilder(string id) => _id = id;

    public static HostBuilder Host(string id) => new(id);

    public HostBuilder WithStatus(HostStatus status)
    {
        _status = status;
        return this;
    }

    public HostBuilder WithCapacity(int vcpus, long memoryMib, long diskGib)
    {
        _capacity = new ResourceAmounts(vcpus, memoryMib, diskGib);
        return this;
    }

    public HostBuilder WithLabel(string key, string value)
    {
        _labels[key] = value;
        return this;
    }

    /// <summary>A guest already holding capacity here; Allocated is the sum of reservations.</summary>
    public HostBuilder WithGuest(string vmId, int vcpus, long memoryMib, long diskGib = 10, string? group = null)
    {
        _reservations.Add(new Reservation(new VmId(vmId), new ResourceAmounts(vcpus, memoryMib, diskGib), group));
        return this;
    }

    public HostSnapshot Build() => new(
        new HostId(_id),
        _status,
        _capacity,
        _reservations.Aggregate(ResourceAmounts.Zero, (sum, r) => sum + r.Resources),
        HostLoad.Idle,
        _labels,
        Now,
        _reservations,
        Now);

    public static implicit operator HostSnapshot(HostBuilder builder) => builder.Build();
}
