namespace HostGrid.Core.Rebalancing;

/// <summary>CPU and memory weights of the imbalance, normalized to sum to 1.</summary>
internal readonly record struct Weights(double Cpu, double Memory)
{
    public static Weights From(RebalancerOptions options) => From(options.CpuWeight, options.MemoryWeight);

    public static Weights From(double cpu, double memory)
    {
        cpu = double.IsFinite(cpu) ? Math.Max(0, cpu) : 0;
        memory = double.IsFinite(memory) ? Math.Max(0, memory) : 0;
        var sum = cpu + memory;
        return sum > 0 ? new Weights(cpu / sum, memory / sum) : new Weights(0.5, 0.5);
    }
}
