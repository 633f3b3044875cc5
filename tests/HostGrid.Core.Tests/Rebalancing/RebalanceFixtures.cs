using HostGrid.Core.Rebalancing;

namespace HostGrid.Core.Tests.Rebalancing;

/// <summary>Hand-made hosts, guests and seeded random clusters for the rebalancer's tests.</summary>
internal static class RebalanceFixtures
{
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static RebalanceHost Host(string id, int vcpus = 32, long memoryMib = 131_072, bool canTake = true, bool canGive = true) =>
        new(new HostId(id), new ResourceAmounts(vcpus, memoryMib, 2_000), canTake, canGive);

    public static RebalanceGuest Guest(
        string id,
        string host,
        double cpu,
        long memoryUsedMib = 1_024,
        int vcpus = 2,
        long memoryMib = 4_096,
        string? group = null,
        bool migratable = true,
        DateTimeOffset? lastMoved = null) =>
        new(new VmId(id), new HostId(host), new ResourceAmounts(vcpus, memoryMib, 20), cpu, memoryUsedMib, group, migratable, lastMoved);

    public static RebalancerOptions CpuOnly(Action<RebalancerOptions>? configure = null)
    {
        var options = new RebalancerOptions { CpuWeight = 1, MemoryWeight = 0 };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>
    /// A random cluster: hosts of mixed sizes (some in maintenance or down when <paramref name="withUnavailable"/>), guests of
    /// mixed sizes piled more on the first hosts, some pinned, some recently moved, some in anti-affinity groups.
    /// </summary>
    public static RebalanceSnapshot RandomCluster(int seed, int hosts, int guestsPerHost, bool withUnavailable = true, double skew = 2.0)
    {
        var random = new Random(seed);
        var hostList = new List<RebalanceHost>();
        for (var h = 0; h < hosts; h++)
        {
            var vcpus = random.Next(3) switch { 0 => 32, 1 => 48, _ => 64 };
            var memory = (long)random.Next(3) switch { 0 => 131_072, 1 => 196_608, _ => 262_144 };
            var kind = withUnavailable ? random.Next(10) : 9;
            var (canTake, canGive) = kind switch { 0 => (false, true), 1 => (false, false), _ => (true, true) };
            hostList.Add(new RebalanceHost(new HostId($"hv-{h}"), new ResourceAmounts(vcpus, memory, 4_000), canTake, canGive));
        }

        var guests = new List<RebalanceGuest>();
        var reserved = new ResourceAmounts[hosts];
        var total = hosts * guestsPerHost;
        for (var g = 0; g < total; g++)
        {
            // Skewed: host index drawn with density falling off, so the first hosts are hot.
            var h = (int)(hosts * Math.Pow(random.NextDouble(), skew));
            var vcpus = 1 << random.Next(4);
            var memory = 1_024L << random.Next(5);
            var spec = new ResourceAmounts(vcpus, memory, 20);
            if (!(reserved[h] + spec).FitsWithin(hostList[h].Capacity))
            {
                continue;
            }

            reserved[h] += spec;
            var group = random.Next(5) == 0 ? $"group-{random.Next(4)}" : null;
            if (group is not null && guests.Any(x => x.Host == hostList[h].Id && x.AntiAffinityGroup == group))
            {
                group = null;
            }

            var moved = random.Next(10) == 0 ? Now - TimeSpan.FromMinutes(random.Next(30)) : (DateTimeOffset?)null;
            guests.Add(new RebalanceGuest(
                new VmId($"vm-{g}"),
                hostList[h].Id,
                spec,
                vcpus * random.NextDouble(),
                (long)(memory * (0.2 + (0.8 * random.NextDouble()))),
                group,
                random.Next(12) != 0,
                moved));
        }

        return new RebalanceSnapshot(hostList, guests, Now);
    }
}
