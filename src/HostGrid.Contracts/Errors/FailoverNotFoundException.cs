namespace HostGrid.Contracts.Errors;

/// <summary>No recent failover has this id.</summary>
[GenerateSerializer, Alias("hostgrid.FailoverNotFoundException")]
public sealed class FailoverNotFoundException : HostGridException
{
    public FailoverNotFoundException(string failoverId) : base($"failover {failoverId} not found") => FailoverId = failoverId;

    [Id(0)] public string FailoverId { get; }
}
