namespace HostGrid.Storage.Tests.Grains;

/// <summary>A counter persisted through the ADO.NET grain storage under the state name "counter".</summary>
[Alias("HostGrid.Storage.Tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    [Alias("IncrementAsync")]
    Task<int> IncrementAsync();

    [Alias("GetAsync")]
    Task<int> GetAsync();

    [Alias("ClearAsync")]
    Task ClearAsync();

    [Alias("GetETagAsync")]
    Task<string?> GetETagAsync();

    /// <summary>Identifies this activation, to tell a re-activation (and so a re-read) apart.</summary>
    [Alias("GetActivationIdAsync")]
    Task<Guid> GetActivationIdAsync();

    [Alias("DeactivateAsync")]
    Task DeactivateAsync();
}
