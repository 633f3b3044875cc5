namespace HostGrid.Grains.Operations;

/// <summary>The persisted list of recent operation ids, newest first.</summary>
[GenerateSerializer, Alias("hostgrid.OperationIndexState")]
public sealed class OperationIndexState
{
    [Id(0)] public List<string> Ids { get; set; } = [];
}
