namespace HostGrid.Contracts.Errors;

/// <summary>No guest has this id.</summary>
[GenerateSerializer, Alias("hostgrid.VmNotFoundException")]
public sealed class VmNotFoundException : HostGridException
{
    public VmNotFoundException(VmId vmId) : base($"vm {vmId} not found") => VmId = vmId;

    [Id(0)] public VmId VmId { get; }
}
