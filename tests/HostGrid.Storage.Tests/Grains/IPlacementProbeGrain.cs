namespace HostGrid.Storage.Tests.Grains;

[Alias("HostGrid.Storage.Tests.IPlacementProbeGrain")]
public interface IPlacementProbeGrain : IGrainWithIntegerKey
{
    /// <summary>The address of the silo this activation lives on.</summary>
    [Alias("GetSiloAsync")]
    Task<string> GetSiloAsync();
}
