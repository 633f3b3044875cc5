namespace HostGrid.Contracts.Errors;

/// <summary>A guest with this id exists already.</summary>
[GenerateSerializer, Alias("hostgrid.VmAlreadyExistsException")]
public sealed class VmAlreadyExistsException : HostGridException
{
    public VmAlreadyExistsException(VmId vmId) : base($"vm {vmId} already exists") => VmId = vmId;

    [Id(0)] public VmId VmId { get; }
}
