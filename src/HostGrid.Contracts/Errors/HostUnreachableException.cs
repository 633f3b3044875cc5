namespace HostGrid.Contracts.Errors;

/// <summary>The agent serving the host cannot be reached.</summary>
[GenerateSerializer, Alias("hostgrid.HostUnreachableException")]
public sealed class HostUnreachableException : HostGridException
{
    public HostUnreachableException(HostId hostId, string reason) : base($"host {hostId} unreachable: {reason}") => HostId = hostId;

    [Id(0)] public HostId HostId { get; }
}
