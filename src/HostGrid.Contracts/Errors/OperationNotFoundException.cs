namespace HostGrid.Contracts.Errors;

/// <summary>No operation with this id.</summary>
[GenerateSerializer, Alias("hostgrid.OperationNotFoundException")]
public sealed class OperationNotFoundException : HostGridException
{
    public OperationNotFoundException(string operationId)
        : base($"operation {operationId} not found") => OperationId = operationId;

    [Id(0)] public string OperationId { get; }
}
