using HostGrid.Contracts;
using HostGrid.Core.Rebalancing;

namespace HostGrid.Bench.Rebalance;

/// <summary>
/// Generated clusters whose load has drifted: guests were placed evenly by reservation, then the guests of a few hosts
/// got busy. Hosts of three sizes (64/96/128 vCPUs, 192/256/384 GiB); guests of 1-4 vCPUs and 2-16 GiB, busy ones using
/// 75-100% of their vCPUs and of their memory, the others 2-25% and 10-40%; some guests pinned, the first
/// guest of each host in an anti-affinity group of three (with its neighbours'). Same seed, same cluster.
/// </summary>
internal static class SkewedCluster
{
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static RebalanceSnapshot Generate(int hosts, int vmsPerHost, int seed, double hotFraction, double pinnedFraction)
    {
        var random = new Random(seed);
        var hostList = new List<RebalanceHost>(hosts);
        for (var h = 0; h < hosts; h++)
        {
            var size = random.Next(3);
            hostList.Add(new RebalanceHost(
                new HostId($"hv-{h:D4}"),
                new ResourceAmounts(64 + (32 * size), 196_608 + (65_536 * size) + (size == 2 ? 65_536 : 0), 8_000),
                CanTake: true,
                CanGive: true));
        }

        var hot = new bool[hosts];
        foreach (var h in Enumerable.Range(0, hosts).OrderBy(_ => random.Next()).Take(Math.Max(1, (int)Math.Round(hosts * hotFraction))))
        {
            hot[h] = true;
        }

        var guests = new List<RebalanceGuest>(hosts * vmsPerHost);
        for (var h = 0; h < hosts; h++)
        {
            for (var i = 0; i < vmsPerHost; i++)
            {
                var vcpus = 1 << random.Next(3);
                var memoryMib = 2_048L << random.Next(4);
                var busy = hot[h];
                var cpu = vcpus * (busy ? 0.75 + (0.25 * random.NextDouble()) : 0.02 + (0.23 * random.NextDouble()));
                var used = (long)(memoryMib * (busy ? 0.75 + (0.25 * random.NextDouble()) : 0.1 + (0.3 * random.NextDouble())));

                // The first guest of each host is in an anti-affinity group with those of its two neighbours.
                var antiAffinity = i == 0 ? $"group-{h / 3}" : null;
                guests.Add(new RebalanceGuest(
                    new VmId($"vm-{h:D4}-{i:D2}"),
                    hostList[h].Id,
                    new ResourceAmounts(vcpus, memoryMib, 20),
                    cpu,
                    used,
                    antiAffinity,
                    Migratable: random.NextDouble() >= pinnedFraction));
            }
        }

        return new RebalanceSnapshot(hostList, guests, Now);
    }
}
