namespace HostGrid.Contracts.Errors;

/// <summary>A host's hypervisor failed a command (a guest process would not start, answer or stop); the message says how.</summary>
[GenerateSerializer, Alias("hostgrid.HypervisorFailedException")]
public sealed class HypervisorFailedException : HostGridException
{
    public HypervisorFailedException(HostId hostId, string message) : base($"hypervisor of {hostId}: {message}") => HostId = hostId;

    [Id(0)] public HostId HostId { get; }
}
