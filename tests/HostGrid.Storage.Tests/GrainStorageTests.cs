using HostGrid.Storage.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit.Abstractions;

namespace HostGrid.Storage.Tests;

/// <summary>ADO.NET grain storage on deploy/sql, through grains and through the provider itself.</summary>
public sealed class GrainStorageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GrainState_WrittenThenDeactivatedThenCleared_RoundTripsThroughPostgres()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        await using var ids = TestIds.New(connectionString);
        await using var silo = await TestSilo.StartAsync(connectionString, ids, output);
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>("alice");

        Assert.Equal(1, await grain.IncrementAsync());
        Assert.Equal(2, await grain.IncrementAsync());
        Assert.Equal(3, await grain.IncrementAsync());
        var firstActivation = await grain.GetActivationIdAsync();
        await grain.DeactivateAsync();

        Assert.Equal(3, await grain.GetAsync());
        Assert.NotEqual(firstActivation, await grain.GetActivationIdAsync());
        Assert.Equal("3", await grain.GetETagAsync());
        Assert.Equal((3, true), await ReadRowAsync(connectionString, ids, "alice"));

        await grain.ClearAsync();
        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal("4", await grain.GetETagAsync());
        Assert.Equal((4, false), await ReadRowAsync(connectionString, ids, "alice"));

        await grain.DeactivateAsync();
        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal(1, await grain.IncrementAsync());
        Assert.Equal("5", await grain.GetETagAsync());
        Assert.Equal((5, true), await ReadRowAsync(connectionString, ids, "alice"));
    }

    [Fact]
    public async Task WriteState_StaleETag_ThrowsInconsistentStateException()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        await using var ids = TestIds.New(connectionString);
        await using var silo = await TestSilo.StartAsync(connectionString, ids, output);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(TestSilo.StorageName);
        var grainId = GrainId.Create("counter", "bob");

        var state = new CounterState { Value = 1 };
        var current = new GrainState<CounterState>(state);
        await storage.WriteStateAsync(CounterGrain.StateName, grainId, current);
        Assert.Equal("1", current.ETag);
        var stale = new GrainState<CounterState>(new CounterState { Value = 100 }, current.ETag);
        state.Value = 2;
        await storage.WriteStateAsync(CounterGrain.StateName, grainId, current);
        Assert.Equal("2", current.ETag);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(CounterGrain.StateName, grainId, stale));
        Assert.Contains("Version conflict", error.Message, StringComparison.Ordinal);
        Assert.Equal("1", stale.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(CounterGrain.StateName, grainId, stale));

        var reread = new GrainState<CounterState>();
        await storage.ReadStateAsync(CounterGrain.StateName, grainId, reread);
        Assert.NotNull(reread.State);
        Assert.Equal(2, reread.State.Value);
        Assert.Equal("2", reread.ETag);
        Assert.True(reread.RecordExists);
    }

    [Fact]
    public async Task WriteState_EightConcurrentFirstWriters_OneSucceedsAndOneRowExists()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        await using var ids = TestIds.New(connectionString);
        await using var silo = await TestSilo.StartAsync(connectionString, ids, output);
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(TestSilo.StorageName);
        var counter = GrainType.Create("counter");
        // Integer and plain Guid keys store a NULL extension: the unique index must treat NULLs as equal.
        GrainId[] grainIds =
        [
            GrainId.Create(counter, "carol"),
            GrainId.Create(counter, GrainIdKeyExtensions.CreateIntegerKey(-42)),
            GrainId.Create(counter, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid())),
            GrainId.Create(counter, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid(), "ext")),
        ];

        for (var i = 0; i < grainIds.Length; i++)
        {
            var grainId = grainIds[i];
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(1, 8).Select(value => Task.Run(async () =>
            {
                await gate.Task;
                try
                {
                    await storage.WriteStateAsync(CounterGrain.StateName, grainId, new GrainState<CounterState>(new CounterState { Value = value }));
                    return value;
                }
                catch (InconsistentStateException)
                {
                    return 0;
                }
            })).ToArray();
            gate.SetResult();
            var results = await Task.WhenAll(writers);

            var winner = Assert.Single(results, r => r != 0);
            Assert.Equal(i + 1, await TestDatabase.ScalarAsync<long>(
                connectionString, "SELECT count(*) FROM orleans_storage WHERE service_id = @s", ("s", ids.ServiceId)));
            var stored = new GrainState<CounterState>();
            await storage.ReadStateAsync(CounterGrain.StateName, grainId, stored);
            Assert.NotNull(stored.State);
            Assert.Equal(winner, stored.State.Value);
            Assert.Equal("1", stored.ETag);
        }
    }

    private static async Task<(int Version, bool HasPayload)> ReadRowAsync(string connectionString, TestIds ids, string key)
    {
        var rows = await TestDatabase.QueryAsync(
            connectionString,
            """
            SELECT version, payload_binary IS NOT NULL
              FROM orleans_storage
             WHERE service_id = @s AND grain_type_string = @t AND grain_id_extension_string = @k
            """,
            r => (r.GetInt32(0), r.GetBoolean(1)),
            ("s", ids.ServiceId),
            ("t", CounterGrain.StateName),
            ("k", key));
        return Assert.Single(rows);
    }
}
