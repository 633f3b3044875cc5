using Orleans.Runtime;

namespace HostGrid.Gateway.Tests.Fakes;

/// <summary>
/// Hands out in-memory grains registered by interface and key, so the API's handlers run without a cluster.
/// A grain nobody registered is an error naming it: a test sees which call it did not expect.
/// </summary>
internal sealed class FakeGrainFactory : IGrainFactory
{
    private readonly Dictionary<(Type Interface, string Key), object> _grains = [];

    public FakeGrainFactory Add<TGrain>(string key, TGrain grain)
        where TGrain : IGrainWithStringKey
    {
        _grains[(typeof(TGrain), key)] = grain;
        return this;
    }

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey =>
        _grains.TryGetValue((typeof(TGrainInterface), primaryKey), out var grain)
            ? (TGrainInterface)grain
            : throw new InvalidOperationException($"no fake {typeof(TGrainInterface).Name} with key '{primaryKey}'");

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => throw new NotSupportedException();

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey => throw new NotSupportedException();

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey => throw new NotSupportedException();

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey => throw new NotSupportedException();

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => throw new NotSupportedException();

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => throw new NotSupportedException();

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => throw new NotSupportedException();

    public IAddressable GetGrain(GrainId grainId) => throw new NotSupportedException();

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => throw new NotSupportedException();

    public IAddressable GetGrain(Type grainInterfaceType, IdSpan grainPrimaryKey) => throw new NotSupportedException();

    public IAddressable GetGrain(Type grainInterfaceType, IdSpan grainPrimaryKey, string grainClassNamePrefix) => throw new NotSupportedException();
}
