namespace HostGrid.Storage.Tests.Grains;

[GenerateSerializer, Alias("HostGrid.Storage.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }
}
