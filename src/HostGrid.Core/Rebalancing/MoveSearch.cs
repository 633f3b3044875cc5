namespace HostGrid.Core.Rebalancing;

/// <summary>
/// Finds the next move of a plan: the one with the best gain per cost among the guests of the hottest hosts and the
/// coldest destinations, keeping every constraint.
/// </summary>
/// <remarks>
/// Gain is the drop of the total squared load deviation (n × imbalance²), computed exactly for each candidate in O(1)
/// from the per-resource sums Σ load and Σ load² over the hosts that can take guests: a move only changes the loads of
/// its two hosts. Cost is the memory to copy plus a fixed <see cref="MoveOverheadMib"/> per migration (so many tiny
/// moves do not beat a few good ones), times up to 2 for a guest moved less than two cooldowns ago.
/// Candidates are pruned: sources are the K hottest hosts by combined, CPU and memory load (hosts that cannot take guests
/// but can give, such as hosts in maintenance, first); destinations the K coldest by the same three keys. K starts at
/// <see cref="InitialCandidates"/> and doubles up to <see cref="MaxCandidates"/> when no move gains enough.
/// </remarks>
internal sealed class MoveSearch
{
    public const double MoveOverheadMib = 512;
    public const int InitialCandidates = 8;
    public const int MaxCandidates = 64;

    private readonly ClusterLoad _cluster;
    private readonly Weights _weights;
    private readonly double _ceiling;
    private readonly bool[] _movable;
    private readonly double[] _cost;
    private readonly int[] _movableOn;
    private readonly double[] _cpu;
    private readonly double[] _memory;
    private readonly double[] _combined;
    private readonly double[] _key;
    private readonly bool[] _eligible;
    private readonly int[] _stamp;
    private int _stampValue;
    private double _cpuMean;
    private double _memoryMean;
    private double _cpuSum;
    private double _cpuSquares;
    private double _memorySum;
    private double _memorySquares;

    public MoveSearch(ClusterLoad cluster, DateTimeOffset now, RebalancerOptions options, Weights weights)
    {
        _cluster = cluster;
        _weights = weights;
        _ceiling = 1 - options.HeadroomFraction;
        var hosts = cluster.Hosts.Length;
        _cpu = new double[hosts];
        _memory = new double[hosts];
        _combined = new double[hosts];
        _key = new double[hosts];
        _eligible = new bool[hosts];
        _stamp = new int[hosts];
        _movableOn = new int[hosts];
        _movable = new bool[cluster.Guests.Length];
        _cost = new double[cluster.Guests.Length];
        var cooldown = options.VmCooldown;
        for (var g = 0; g < cluster.Guests.Length; g++)
        {
            var guest = cluster.Guests[g];
            var age = guest.LastMovedAt is { } at ? now - at : TimeSpan.MaxValue;
            _movable[g] = guest.Migratable && cluster.Hosts[cluster.GuestHost[g]].CanGive && age >= cooldown;
            var recent = age < cooldown * 2 && cooldown > TimeSpan.Zero ? 1 + ((cooldown * 2) - age) / cooldown : 1;
            _cost[g] = (Math.Max(0, guest.Reserved.MemoryMib) + MoveOverheadMib) * Math.Min(2, recent);
            if (_movable[g])
            {
                _movableOn[cluster.GuestHost[g]]++;
            }
        }
    }

    /// <summary>Guests that could still move in this plan.</summary>
    public int MovableGuests => _movableOn.Sum();

    /// <summary>The total squared deviation as the search computes it (from the same sums as the gains).</summary>
    public double TotalDeviation { get; private set; }

    /// <summary>The best move gaining at least <paramref name="minGain"/>, or null.</summary>
    public CandidateMove? Best(double minGain)
    {
        Measure();
        var hosts = _cluster.Hosts.Length;
        for (var k = InitialCandidates; ; k *= 2)
        {
            var sources = Sources(k);
            var targets = Targets(k);
            var best = Evaluate(sources, targets, minGain);
            if (best is not null || k >= MaxCandidates || k >= hosts)
            {
                return best;
            }
        }
    }

    /// <summary>Marks a planned move: the guest stays where the plan puts it.</summary>
    public void Moved(int guest)
    {
        if (_movable[guest])
        {
            _movable[guest] = false;
            _movableOn[_cluster.GuestHost[guest]]--;
        }
    }

    private void Measure()
    {
        double cpu1 = 0, cpu2 = 0, memory1 = 0, memory2 = 0;
        for (var h = 0; h < _cluster.Hosts.Length; h++)
        {
            _cpu[h] = _cluster.CpuLoad(h);
            _memory[h] = _cluster.MemoryLoad(h);
            if (_cluster.Hosts[h].CanTake)
            {
                cpu1 += _cpu[h];
                cpu2 += _cpu[h] * _cpu[h];
                memory1 += _memory[h];
                memory2 += _memory[h] * _memory[h];
            }
        }

        var n = Math.Max(1, _cluster.TakerCount);
        (_cpuSum, _cpuSquares, _memorySum, _memorySquares) = (cpu1, cpu2, memory1, memory2);
        _cpuMean = cpu1 / n;
        _memoryMean = memory1 / n;
        TotalDeviation = Deviation(cpu1, cpu2, memory1, memory2);
        for (var h = 0; h < _cluster.Hosts.Length; h++)
        {
            _combined[h] = (_weights.Cpu * (_cpu[h] - _cpuMean)) + (_weights.Memory * (_memory[h] - _memoryMean));
        }
    }

    private double Deviation(double cpu1, double cpu2, double memory1, double memory2)
    {
        var n = (double)Math.Max(1, _cluster.TakerCount);
        return (_weights.Cpu * (cpu2 - (cpu1 * cpu1 / n))) + (_weights.Memory * (memory2 - (memory1 * memory1 / n)));
    }

    private List<int> Sources(int k)
    {
        _stampValue++;
        var found = new List<int>(3 * k);
        for (var h = 0; h < _cluster.Hosts.Length; h++)
        {
            _eligible[h] = _movableOn[h] > 0 && _cluster.Hosts[h].CanGive;

            // Hosts that can give but not take (maintenance) are outside the imbalance: always among the candidates.
            _key[h] = _cluster.Hosts[h].CanTake ? _combined[h] : double.PositiveInfinity;
        }

        Select(k, _key, 1, found);
        Select(k, _cpu, 1, found);
        Select(k, _memory, 1, found);
        return found;
    }

    private List<int> Targets(int k)
    {
        _stampValue++;
        var found = new List<int>(3 * k);
        for (var h = 0; h < _cluster.Hosts.Length; h++)
        {
            var capacity = _cluster.Hosts[h].Capacity;
            _eligible[h] = _cluster.Hosts[h].CanTake && capacity.Vcpus > 0 && capacity.MemoryMib > 0 && _cpu[h] < _ceiling && _memory[h] < _ceiling;
        }

        Select(k, _combined, -1, found);
        Select(k, _cpu, -1, found);
        Select(k, _memory, -1, found);
        return found;
    }

    /// <summary>
    /// Adds the <paramref name="k"/> eligible hosts of largest <paramref name="sign"/> × key not already found (ties: lower
    /// index first).
    /// </summary>
    private void Select(int k, double[] key, int sign, List<int> found)
    {
        var best = new int[k];
        var keys = new double[k];
        var count = 0;
        for (var h = 0; h < key.Length; h++)
        {
            if (!_eligible[h] || _stamp[h] == _stampValue)
            {
                continue;
            }

            var value = sign * key[h];
            if (count == k && value <= keys[k - 1])
            {
                continue;
            }

            var at = count < k ? count++ : k - 1;
            while (at > 0 && keys[at - 1] < value)
            {
                best[at] = best[at - 1];
                keys[at] = keys[at - 1];
                at--;
            }

            best[at] = h;
            keys[at] = value;
        }

        for (var i = 0; i < count; i++)
        {
            _stamp[best[i]] = _stampValue;
            found.Add(best[i]);
        }
    }

    private CandidateMove? Evaluate(List<int> sources, List<int> targets, double minGain)
    {
        var hosts = _cluster.Hosts;
        var n = (double)Math.Max(1, _cluster.TakerCount);
        CandidateMove? best = null;
        var bestScore = double.NegativeInfinity;
        foreach (var s in sources)
        {
            var sourceTakes = hosts[s].CanTake;
            var sourceCpuCapacity = (double)hosts[s].Capacity.Vcpus;
            var sourceMemoryCapacity = (double)hosts[s].Capacity.MemoryMib;
            foreach (var g in _cluster.GuestsOn[s])
            {
                if (!_movable[g])
                {
                    continue;
                }

                var guest = _cluster.Guests[g];
                var cpu1 = _cpuSum;
                var cpu2 = _cpuSquares;
                var memory1 = _memorySum;
                var memory2 = _memorySquares;
                if (sourceTakes)
                {
                    var cpuAfter = ClusterLoad.Load(_cluster.CpuDemand[s] - guest.CpuDemand, sourceCpuCapacity);
                    var memoryAfter = ClusterLoad.Load(_cluster.MemoryUsed[s] - guest.MemoryUsedMib, sourceMemoryCapacity);
                    cpu1 += cpuAfter - _cpu[s];
                    cpu2 += (cpuAfter * cpuAfter) - (_cpu[s] * _cpu[s]);
                    memory1 += memoryAfter - _memory[s];
                    memory2 += (memoryAfter * memoryAfter) - (_memory[s] * _memory[s]);
                }

                foreach (var t in targets)
                {
                    if (t == s)
                    {
                        continue;
                    }

                    var capacity = hosts[t].Capacity;
                    var cpuAfter = (_cluster.CpuDemand[t] + guest.CpuDemand) / capacity.Vcpus;
                    var memoryAfter = (_cluster.MemoryUsed[t] + guest.MemoryUsedMib) / capacity.MemoryMib;
                    if (cpuAfter > _ceiling || memoryAfter > _ceiling
                        || !(_cluster.Allocated[t] + guest.Reserved).FitsWithin(capacity)
                        || _cluster.HasGroup(t, guest.AntiAffinityGroup))
                    {
                        continue;
                    }

                    var c1 = cpu1 + cpuAfter - _cpu[t];
                    var c2 = cpu2 + (cpuAfter * cpuAfter) - (_cpu[t] * _cpu[t]);
                    var m1 = memory1 + memoryAfter - _memory[t];
                    var m2 = memory2 + (memoryAfter * memoryAfter) - (_memory[t] * _memory[t]);
                    var after = (_weights.Cpu * (c2 - (c1 * c1 / n))) + (_weights.Memory * (m2 - (m1 * m1 / n)));
                    var gain = TotalDeviation - after;
                    if (gain < minGain)
                    {
                        continue;
                    }

                    var score = gain / _cost[g];
                    if (score > bestScore)
                    {
                        bestScore = score;
                        best = new CandidateMove(g, t, gain);
                    }
                }
            }
        }

        return best;
    }
}
