namespace HostGrid.Contracts.Errors;

/// <summary>Base of HostGrid's domain errors; the gateway maps each kind to one gRPC status.</summary>
[GenerateSerializer, Alias("hostgrid.HostGridException")]
public abstract class HostGridException : Exception
{
    protected HostGridException(string message) : base(message) { }
}
