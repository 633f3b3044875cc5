namespace HostGrid.Core.Rebalancing;

/// <summary>
/// How uneven the cluster's load is.
/// </summary>
/// <remarks>
/// <para>
/// A host's load per resource is demand ÷ capacity: CPU load = Σ guests' CPU demand (vCPUs) ÷ the host's vCPUs; memory
/// load = Σ guests' memory used (MiB) ÷ the host's MiB. A host with no capacity of a resource has load 0 of it.
/// </para>
/// <para>
/// Over the n hosts that can take guests (the only ones guests can be evened out across), with μ the mean load of a
/// resource and w the weights normalized to sum to 1 (ŵ_cpu = CpuWeight ÷ (CpuWeight + MemoryWeight)):
/// </para>
/// <code>
/// σ²_cpu = (1/n) Σ_h (cpu_h − μ_cpu)²        σ²_mem = (1/n) Σ_h (mem_h − μ_mem)²
/// imbalance = √(ŵ_cpu σ²_cpu + ŵ_mem σ²_mem)
/// </code>
/// <para>
/// So 0 is perfectly even and, when both resources are equally uneven, the imbalance is their standard deviation
/// (0.1 ≈ hosts typically 10 points off the mean). n σ² is the total squared deviation that
/// <see cref="RebalancerOptions.MinImprovement"/> is measured on.
/// </para>
/// </remarks>
public static class ImbalanceMetric
{
    /// <summary>Each host's load (every host of the snapshot, including those that cannot take guests).</summary>
    public static IReadOnlyDictionary<HostId, HostLoad> HostLoads(RebalanceSnapshot snapshot)
    {
        var cluster = ClusterLoad.Build(snapshot);
        var loads = new Dictionary<HostId, HostLoad>(cluster.Hosts.Length);
        for (var h = 0; h < cluster.Hosts.Length; h++)
        {
            loads[cluster.Hosts[h].Id] = new HostLoad(cluster.CpuLoad(h), cluster.MemoryLoad(h), cluster.GuestCount[h]);
        }

        return loads;
    }

    /// <summary>The cluster's imbalance (see the remarks) across the hosts that can take guests.</summary>
    public static double Imbalance(RebalanceSnapshot snapshot, RebalancerOptions options) =>
        ClusterLoad.Build(snapshot).Imbalance(Weights.From(options));

    /// <summary>The imbalance of these host loads (see the remarks).</summary>
    public static double Imbalance(IEnumerable<HostLoad> loads, double cpuWeight, double memoryWeight)
    {
        var weights = Weights.From(cpuWeight, memoryWeight);
        var list = loads.ToList();
        if (list.Count == 0)
        {
            return 0;
        }

        var cpuMean = list.Average(l => l.CpuFraction);
        var memoryMean = list.Average(l => l.MemoryFraction);
        var cpuVariance = list.Average(l => (l.CpuFraction - cpuMean) * (l.CpuFraction - cpuMean));
        var memoryVariance = list.Average(l => (l.MemoryFraction - memoryMean) * (l.MemoryFraction - memoryMean));
        return Math.Sqrt(Math.Max(0, (weights.Cpu * cpuVariance) + (weights.Memory * memoryVariance)));
    }

    /// <summary>
    /// The least imbalance any plan could reach if load were perfectly divisible: every movable guest's demand (migratable,
    /// out of cooldown, on a host that can give) may be split across the hosts that can take guests, while pinned or
    /// cooling-down guests stay where they are. Capacity, headroom and anti-affinity are ignored, so no plan does better.
    /// With no fixed load this is 0: every host at the same load fraction, whatever its capacity.
    /// </summary>
    public static double LowerBound(RebalanceSnapshot snapshot, RebalancerOptions options)
    {
        var cluster = ClusterLoad.Build(snapshot);
        var weights = Weights.From(options);
        var takers = Enumerable.Range(0, cluster.Hosts.Length).Where(h => cluster.Hosts[h].CanTake).ToArray();
        if (takers.Length == 0)
        {
            return 0;
        }

        var cooldownEnds = snapshot.Now - options.VmCooldown;
        var cpuCapacity = takers.Select(h => (double)cluster.Hosts[h].Capacity.Vcpus).ToArray();
        var memoryCapacity = takers.Select(h => (double)cluster.Hosts[h].Capacity.MemoryMib).ToArray();
        var cpuFixed = new double[takers.Length];
        var memoryFixed = new double[takers.Length];
        var slot = new Dictionary<int, int>();
        for (var i = 0; i < takers.Length; i++)
        {
            slot[takers[i]] = i;
        }

        double cpuOnTakers = 0, memoryOnTakers = 0, cpuElsewhere = 0, memoryElsewhere = 0;
        for (var g = 0; g < cluster.Guests.Length; g++)
        {
            var guest = cluster.Guests[g];
            var host = cluster.GuestHost[g];
            var movable = guest.Migratable && cluster.Hosts[host].CanGive && !(guest.LastMovedAt > cooldownEnds);
            var onTaker = slot.TryGetValue(host, out var i);
            if (!movable)
            {
                if (onTaker)
                {
                    cpuFixed[i] += guest.CpuDemand;
                    memoryFixed[i] += guest.MemoryUsedMib;
                }
            }
            else if (onTaker)
            {
                cpuOnTakers += guest.CpuDemand;
                memoryOnTakers += guest.MemoryUsedMib;
            }
            else
            {
                cpuElsewhere += guest.CpuDemand;
                memoryElsewhere += guest.MemoryUsedMib;
            }
        }

        var cpu = DivisibleLoad.LeastSquaredDeviation(cpuCapacity, cpuFixed, cpuOnTakers, cpuOnTakers + cpuElsewhere);
        var memory = DivisibleLoad.LeastSquaredDeviation(memoryCapacity, memoryFixed, memoryOnTakers, memoryOnTakers + memoryElsewhere);
        return Math.Sqrt(Math.Max(0, ((weights.Cpu * cpu) + (weights.Memory * memory)) / takers.Length));
    }
}
