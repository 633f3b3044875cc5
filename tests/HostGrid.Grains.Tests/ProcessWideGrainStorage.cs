using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace HostGrid.Grains.Tests;

/// <summary>
/// Grain storage shared by every silo of the test process, standing in for PostgreSQL: unlike Orleans' memory
/// storage (itself grains), it survives a killed silo. Keyed by cluster id so test clusters stay apart.
/// </summary>
public sealed class ProcessWideGrainStorage : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, (byte[] Data, long Version)> Rows = new();
    private readonly Serializer _serializer;
    private readonly string _cluster;

    public ProcessWideGrainStorage(Serializer serializer, IOptions<ClusterOptions> cluster)
    {
        _serializer = serializer;
        _cluster = cluster.Value.ClusterId;
    }

    public static void Add(ISiloBuilder silo, string name) =>
        silo.Services.AddGrainStorage(name, (sp, _) => ActivatorUtilities.CreateInstance<ProcessWideGrainStorage>(sp));

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Rows.TryGetValue(Key(stateName, grainId), out var row))
        {
            grainState.State = _serializer.Deserialize<T>(row.Data);
            grainState.ETag = row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var data = _serializer.SerializeToArray(grainState.State);
        var version = Rows.AddOrUpdate(
            key,
            _ => grainState.ETag is null ? (data, 1) : throw Conflict(key, grainState.ETag),
            (_, old) => old.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) == grainState.ETag ? (data, old.Version + 1) : throw Conflict(key, grainState.ETag)).Version;
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Rows.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private string Key(string stateName, GrainId grainId) => $"{_cluster}/{stateName}/{grainId}";

    private static InconsistentStateException Conflict(string key, string? etag) => new($"version conflict on {key} (etag {etag})");
}
