namespace HostGrid.Contracts.Errors;

/// <summary>A hypervisor command carried an epoch older than one the agent has seen for that guest.</summary>
[GenerateSerializer, Alias("hostgrid.StaleEpochException")]
public sealed class StaleEpochException : HostGridException
{
    public StaleEpochException(VmId vmId, long epoch, long current)
        : base($"vm {vmId}: command epoch {epoch} is older than current epoch {current}")
    {
        VmId = vmId;
        Epoch = epoch;
        Current = current;
    }

    [Id(0)] public VmId VmId { get; }

    [Id(1)] public long Epoch { get; }

    [Id(2)] public long Current { get; }
}
