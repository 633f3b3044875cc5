namespace HostGrid.Contracts.Operations;

/// <summary>Where a long-running operation stands.</summary>
[GenerateSerializer, Alias("hostgrid.OperationState")]
public enum OperationState
{
    Running = 0,
    Succeeded = 1,

    /// <summary>Ended without doing its work; the message says why. A failed migration left the guest on its source.</summary>
    Failed = 2,

    /// <summary>Cancelled on request; a cancelled migration left the guest on its source.</summary>
    Cancelled = 3,
}
