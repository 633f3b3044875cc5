namespace HostGrid.Contracts.Errors;

/// <summary>A guest or host already runs an operation; one at a time. Maps to FAILED_PRECONDITION.</summary>
[GenerateSerializer, Alias("hostgrid.OperationInProgressException")]
public sealed class OperationInProgressException : HostGridException
{
    public OperationInProgressException(string subject, string operationId)
        : base($"{subject} has operation {operationId} in progress; wait for it or cancel it") => OperationId = operationId;

    [Id(0)] public string OperationId { get; }
}
