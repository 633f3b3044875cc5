namespace HostGrid.Grains.Operations;

/// <summary>The persisted state of one operation: its last saved snapshot.</summary>
[GenerateSerializer, Alias("hostgrid.OperationRecord")]
public sealed class OperationRecord
{
    [Id(0)] public OperationSnapshot? Snapshot { get; set; }
}
