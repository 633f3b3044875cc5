namespace HostGrid.Contracts.Errors;

/// <summary>No host has this id.</summary>
[GenerateSerializer, Alias("hostgrid.HostNotFoundException")]
public sealed class HostNotFoundException : HostGridException
{
    public HostNotFoundException(HostId hostId) : base($"host {hostId} not found") => HostId = hostId;

    [Id(0)] public HostId HostId { get; }
}
