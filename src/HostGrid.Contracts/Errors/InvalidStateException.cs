namespace HostGrid.Contracts.Errors;

/// <summary>The command does not apply to the guest's current state or operation.</summary>
[GenerateSerializer, Alias("hostgrid.InvalidStateException")]
public sealed class InvalidStateException : HostGridException
{
    public InvalidStateException(string message) : base(message) { }
}
