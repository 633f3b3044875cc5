namespace HostGrid.Core.Rebalancing;

/// <summary>
/// The planner's working copy of a snapshot, by index: where each guest is, what each host holds and how loaded it is.
/// Moves update it in O(1) (plus the guest lists of the two hosts).
/// </summary>
internal sealed class ClusterLoad
{
    private readonly Dictionary<(int Host, string Group), int> _groups = [];

    private ClusterLoad(RebalanceHost[] hosts, RebalanceGuest[] guests, int[] guestHost)
    {
        Hosts = hosts;
        Guests = guests;
        GuestHost = guestHost;
        CpuDemand = new double[hosts.Length];
        MemoryUsed = new double[hosts.Length];
        Allocated = new ResourceAmounts[hosts.Length];
        GuestCount = new int[hosts.Length];
        GuestsOn = new List<int>[hosts.Length];
        for (var h = 0; h < hosts.Length; h++)
        {
            GuestsOn[h] = [];
        }

        var sums = new ResourceAmounts[hosts.Length];
        for (var g = 0; g < guests.Length; g++)
        {
            var h = guestHost[g];
            CpuDemand[h] += guests[g].CpuDemand;
            MemoryUsed[h] += guests[g].MemoryUsedMib;
            sums[h] += guests[g].Reserved;
            GuestCount[h]++;
            GuestsOn[h].Add(g);
            AddGroup(h, guests[g].AntiAffinityGroup, 1);
        }

        for (var h = 0; h < hosts.Length; h++)
        {
            Allocated[h] = hosts[h].Allocated ?? sums[h];
            if (hosts[h].CanTake)
            {
                TakerCount++;
            }
        }
    }

    public RebalanceHost[] Hosts { get; }

    public RebalanceGuest[] Guests { get; }

    /// <summary>Index of each guest's current host.</summary>
    public int[] GuestHost { get; }

    public double[] CpuDemand { get; }

    public double[] MemoryUsed { get; }

    public ResourceAmounts[] Allocated { get; }

    public int[] GuestCount { get; }

    public List<int>[] GuestsOn { get; }

    /// <summary>Hosts that can take guests: the ones the imbalance is measured across.</summary>
    public int TakerCount { get; }

    public static ClusterLoad Build(RebalanceSnapshot snapshot)
    {
        var hosts = new List<RebalanceHost>(snapshot.Hosts.Count);
        var index = new Dictionary<HostId, int>(snapshot.Hosts.Count);
        foreach (var host in snapshot.Hosts)
        {
            if (index.TryAdd(host.Id, hosts.Count))
            {
                hosts.Add(host);
            }
        }

        var guests = new List<RebalanceGuest>(snapshot.Guests.Count);
        var guestHost = new List<int>(snapshot.Guests.Count);
        var seen = new HashSet<VmId>();
        foreach (var guest in snapshot.Guests)
        {
            if (index.TryGetValue(guest.Host, out var h) && seen.Add(guest.VmId))
            {
                guests.Add(guest);
                guestHost.Add(h);
            }
        }

        return new ClusterLoad([.. hosts], [.. guests], [.. guestHost]);
    }

    public double CpuLoad(int h) => Load(CpuDemand[h], Hosts[h].Capacity.Vcpus);

    public double MemoryLoad(int h) => Load(MemoryUsed[h], Hosts[h].Capacity.MemoryMib);

    public static double Load(double demand, double capacity) => capacity > 0 ? demand / capacity : 0;

    /// <summary>Σ over takers and resources of weight × (load − mean)²: n × imbalance².</summary>
    public double TotalDeviation(Weights weights)
    {
        if (TakerCount == 0)
        {
            return 0;
        }

        double cpu1 = 0, cpu2 = 0, memory1 = 0, memory2 = 0;
        for (var h = 0; h < Hosts.Length; h++)
        {
            if (Hosts[h].CanTake)
            {
                var c = CpuLoad(h);
                var m = MemoryLoad(h);
                cpu1 += c;
                cpu2 += c * c;
                memory1 += m;
                memory2 += m * m;
            }
        }

        var n = (double)TakerCount;
        return Math.Max(0, (weights.Cpu * (cpu2 - (cpu1 * cpu1 / n))) + (weights.Memory * (memory2 - (memory1 * memory1 / n))));
    }

    public double Imbalance(Weights weights) => ImbalanceOf(TotalDeviation(weights));

    public double ImbalanceOf(double totalDeviation) => TakerCount == 0 ? 0 : Math.Sqrt(Math.Max(0, totalDeviation) / TakerCount);

    public bool HasGroup(int h, string? group) => group is not null && _groups.ContainsKey((h, group));

    public void Move(int g, int to)
    {
        var from = GuestHost[g];
        var guest = Guests[g];
        CpuDemand[from] -= guest.CpuDemand;
        MemoryUsed[from] -= guest.MemoryUsedMib;
        Allocated[from] -= guest.Reserved;
        GuestCount[from]--;
        GuestsOn[from].Remove(g);
        AddGroup(from, guest.AntiAffinityGroup, -1);

        CpuDemand[to] += guest.CpuDemand;
        MemoryUsed[to] += guest.MemoryUsedMib;
        Allocated[to] += guest.Reserved;
        GuestCount[to]++;
        GuestsOn[to].Add(g);
        AddGroup(to, guest.AntiAffinityGroup, 1);
        GuestHost[g] = to;
    }

    private void AddGroup(int h, string? group, int count)
    {
        if (group is null)
        {
            return;
        }

        var key = (h, group);
        var now = _groups.GetValueOrDefault(key) + count;
        if (now > 0)
        {
            _groups[key] = now;
        }
        else
        {
            _groups.Remove(key);
        }
    }
}
