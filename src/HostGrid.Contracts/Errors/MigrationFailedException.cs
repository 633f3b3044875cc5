namespace HostGrid.Contracts.Errors;

/// <summary>A live migration could not complete; the message says why (no convergence, timeout, lost or stale page, peer gone).</summary>
[GenerateSerializer, Alias("hostgrid.MigrationFailedException")]
public sealed class MigrationFailedException : HostGridException
{
    public MigrationFailedException(string message) : base(message) { }
}
