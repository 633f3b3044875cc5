using HostGrid.Storage.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace HostGrid.Storage.Tests;

/// <summary>The ADO.NET reminder table on deploy/sql, through IReminderTable and through a grain.</summary>
public sealed class ReminderTableTests(ITestOutputHelper output)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReminderTable_UpsertReadDelete_FollowsETags()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        await using var ids = TestIds.New(connectionString);
        await using var silo = await TestSilo.StartAsync(connectionString, ids, output);
        var table = silo.Services.GetRequiredService<IReminderTable>();
        var grainId = GrainId.Create("reminder-probe", "table");
        var entry = new ReminderEntry
        {
            GrainId = grainId,
            ReminderName = "r1",
            StartAt = FarFuture(),
            Period = TimeSpan.FromMinutes(1),
        };

        var inserted = await table.UpsertRow(entry);
        Assert.NotNull(inserted);
        Assert.Equal("0", inserted);
        entry.Period = TimeSpan.FromDays(30); // over int.MaxValue ms: bound as bigint
        var updated = await table.UpsertRow(entry);
        Assert.NotNull(updated);
        Assert.Equal("1", updated);
        await table.UpsertRow(new ReminderEntry
        {
            GrainId = grainId,
            ReminderName = "r2",
            StartAt = FarFuture(),
            Period = TimeSpan.FromMinutes(2),
        });

        var read = await table.ReadRow(grainId, "r1");
        Assert.NotNull(read);
        Assert.Equal(grainId, read.GrainId);
        Assert.Equal(entry.StartAt, read.StartAt);
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
        Assert.Equal(TimeSpan.FromDays(30), read.Period);
        Assert.Equal(updated, read.ETag);
        Assert.Equal(2_592_000_000L, await TestDatabase.ScalarAsync<long>(
            connectionString,
            "SELECT period FROM orleans_reminders WHERE service_id = @s AND reminder_name = 'r1'",
            ("s", ids.ServiceId)));
        Assert.Equal(
            ["r1", "r2"],
            (await table.ReadRows(grainId)).Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal));

        Assert.False(await table.RemoveRow(grainId, "r1", inserted));
        Assert.NotNull(await table.ReadRow(grainId, "r1"));
        Assert.True(await table.RemoveRow(grainId, "r1", updated));
        Assert.Null(await table.ReadRow(grainId, "r1"));
        Assert.Equal("r2", Assert.Single((await table.ReadRows(grainId)).Reminders).ReminderName);
    }

    [Fact]
    public async Task ReminderTable_ReadRangeRows_ReturnsExactlyTheRingRangeIncludingWrapAround()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        await using var ids = TestIds.New(connectionString);
        await using var silo = await TestSilo.StartAsync(connectionString, ids, output);
        var table = silo.Services.GetRequiredService<IReminderTable>();
        var grainIds = Enumerable.Range(0, 40).Select(i => GrainId.Create("reminder-probe", $"range-{i}")).ToArray();
        foreach (var grainId in grainIds)
        {
            await table.UpsertRow(new ReminderEntry
            {
                GrainId = grainId,
                ReminderName = "r",
                StartAt = FarFuture(),
                Period = TimeSpan.FromMinutes(1),
            });
        }

        var hashes = grainIds.Select(g => g.GetUniformHashCode()).Order().ToArray();
        (uint Begin, uint End)[] ranges =
        [
            (0x10000000, 0x70000000),  // positive as int
            (0x90000000, 0xF0000000),  // negative as int
            (0xF0000000, 0x10000000),  // wraps unsigned, straight as int
            (0x70000000, 0x90000000),  // straight unsigned, crosses the sign as int
            (0x40000000, 0xC0000000),
            (0xC0000000, 0x40000000),
            (0x12345678, 0x12345678),  // begin = end: the full ring
            (0, 0),
            (hashes[5], hashes[20]),   // ends on stored hashes: begin excluded, end included
            (hashes[30], hashes[2]),
        ];
        foreach (var (begin, end) in ranges)
        {
            var expected = grainIds.Where(g => InRing(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).ToHashSet();
            var actual = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).ToList();
            Assert.True(
                expected.SetEquals(actual) && actual.Count == expected.Count,
                $"range ({begin:X8}, {end:X8}]: expected {expected.Count} reminders, got {actual.Count}");
        }

        await table.TestOnlyClearTable();
        Assert.Empty((await table.ReadRows(0, 0)).Reminders);
    }

    [Fact]
    public async Task Reminder_RegisteredByGrain_IsStoredAndTicks()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        await using var ids = TestIds.New(connectionString);
        await using var silo = await TestSilo.StartAsync(connectionString, ids, output);
        var grain = silo.GrainFactory.GetGrain<IReminderProbeGrain>("ticker");

        await grain.RegisterAsync("tick", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        var rows = await ReadRemindersAsync(connectionString, ids);
        Assert.Equal((grain.GetGrainId().ToString(), "tick", 60_000L, 0), Assert.Single(rows));
        await Poll.UntilAsync(async () => await grain.GetTicksAsync() >= 1, _timeout, "the first reminder tick");

        await grain.UnregisterAsync("tick");
        Assert.Empty(await ReadRemindersAsync(connectionString, ids));
    }

    /// <summary>(Begin, End] on the unsigned ring; Begin = End is the whole ring.</summary>
    private static bool InRing(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end
        : begin == end || hash > begin || hash <= end;

    /// <summary>Far enough ahead that the silo's reminder service never fires these rows.</summary>
    private static DateTime FarFuture()
    {
        var at = DateTime.UtcNow.AddDays(1);
        return new DateTime(at.Ticks - (at.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    private static Task<List<(string GrainId, string Name, long Period, int Version)>> ReadRemindersAsync(
        string connectionString, TestIds ids) =>
        TestDatabase.QueryAsync(
            connectionString,
            "SELECT grain_id, reminder_name, period, version FROM orleans_reminders WHERE service_id = @s",
            r => (r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt32(3)),
            ("s", ids.ServiceId));
}
