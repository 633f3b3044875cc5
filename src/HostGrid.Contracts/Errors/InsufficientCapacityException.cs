namespace HostGrid.Contracts.Errors;

/// <summary>No host can take the guest; the message says why the candidates were refused.</summary>
[GenerateSerializer, Alias("hostgrid.InsufficientCapacityException")]
public sealed class InsufficientCapacityException : HostGridException
{
    public InsufficientCapacityException(string message) : base(message) { }
}
