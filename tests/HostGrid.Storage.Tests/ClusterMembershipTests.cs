using System.Data;
using HostGrid.Storage.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace HostGrid.Storage.Tests;

/// <summary>ADO.NET clustering on deploy/sql: silos join, gateways are found, a leaver is marked Dead.</summary>
public sealed class ClusterMembershipTests(ITestOutputHelper output)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Cluster_TwoSilosOnPostgres_BothActiveAndClientReachesGrainsOnBoth()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        await using var ids = TestIds.New(connectionString);
        await using var silo1 = await TestSilo.StartAsync(connectionString, ids, output);
        await using var silo2 = await TestSilo.StartAsync(connectionString, ids, output);

        await Poll.UntilAsync(
            async () => (await ReadMembersAsync(connectionString, ids)).Count(m => m.Status == SiloStatus.Active) == 2,
            _timeout,
            "both silos Active in orleans_membership");
        var members = await ReadMembersAsync(connectionString, ids);
        Assert.Equal(
            [
                (silo1.SiloPort, SiloStatus.Active, silo1.GatewayPort),
                (silo2.SiloPort, SiloStatus.Active, silo2.GatewayPort),
            ],
            members.OrderBy(m => m.Port == silo1.SiloPort ? 0 : 1).ToArray());
        // Two joins and two Joining -> Active updates, each a compare-and-bump of the version row.
        var version = await TestDatabase.ScalarAsync<int>(
            connectionString,
            "SELECT version FROM orleans_membership_version WHERE deployment_id = @id",
            ("id", ids.ClusterId));
        Assert.True(version >= 4, $"table version {version}, expected at least 4");

        var client = await TestSilo.StartClientAsync(connectionString, ids, output);
        try
        {
            var cluster = client.Services.GetRequiredService<IClusterClient>();
            var silosSeen = new HashSet<string>();
            for (var key = 0; key < 64 && silosSeen.Count < 2; key++)
            {
                silosSeen.Add(await cluster.GetGrain<IPlacementProbeGrain>(key).GetSiloAsync());
            }

            string[] expected = [$"127.0.0.1:{silo1.SiloPort}", $"127.0.0.1:{silo2.SiloPort}"];
            Assert.Equal(expected.Order(StringComparer.Ordinal), silosSeen.Order(StringComparer.Ordinal));
        }
        finally
        {
            await client.StopAsync();
            client.Dispose();
        }

        await silo2.DisposeAsync();
        await Poll.UntilAsync(
            async () => (await ReadMembersAsync(connectionString, ids))
                .Any(m => m.Port == silo2.SiloPort && m.Status == SiloStatus.Dead),
            _timeout,
            "the stopped silo to be Dead in orleans_membership");
        Assert.Contains((silo1.SiloPort, SiloStatus.Active, silo1.GatewayPort), await ReadMembersAsync(connectionString, ids));
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_OldDeadEntry_DeletedOnlyWhileUnchanged()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        await using var ids = TestIds.New(connectionString);
        await using var silo = await TestSilo.StartAsync(connectionString, ids, output);
        var old = DateTime.UtcNow.AddDays(-2);
        var recent = DateTime.UtcNow;
        await AddMemberAsync(connectionString, ids, "10.0.0.1", SiloStatus.Dead, old, suspectTimes: null);
        await AddMemberAsync(connectionString, ids, "10.0.0.2", SiloStatus.Joining, old, suspectTimes: null);
        await AddMemberAsync(connectionString, ids, "10.0.0.3", SiloStatus.Dead, recent, suspectTimes: null);

        // With CleanupDefunctSiloEntryKey present, 10.4.2 deletes old Dead entries one by one.
        var table = silo.Services.GetRequiredService<IMembershipTable>();
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1), CancellationToken.None);

        var left = await TestDatabase.QueryAsync(
            connectionString,
            "SELECT address FROM orleans_membership WHERE deployment_id = @id ORDER BY address",
            r => r.GetString(0),
            ("id", ids.ClusterId));
        Assert.Equal(["10.0.0.2", "10.0.0.3", "127.0.0.1"], left);

        // Compare-and-delete: an entry that changed since it was read (a new suspicion vote) stays.
        const string vote = "10.0.0.9:1@1,2026-01-01 00:00:00.000 GMT";
        await AddMemberAsync(connectionString, ids, "10.0.0.4", SiloStatus.Dead, old, vote);
        var cleanupEntry = await TestDatabase.ScalarAsync<string>(
            connectionString, "SELECT querytext FROM orleansquery WHERE querykey = 'CleanupDefunctSiloEntryKey'");
        Assert.Equal(0, await DeleteEntryAsync(connectionString, cleanupEntry, ids, "10.0.0.4", old, suspectTimes: null));
        Assert.Equal(1, await DeleteEntryAsync(connectionString, cleanupEntry, ids, "10.0.0.4", old, vote));
    }

    private static async Task AddMemberAsync(
        string connectionString, TestIds ids, string address, SiloStatus status, DateTime time, string? suspectTimes) =>
        await TestDatabase.QueryAsync(
            connectionString,
            """
            INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name,
                                            status, proxy_port, suspect_times, start_time, i_am_alive_time)
            VALUES (@id, @address, 11111, 1, 'fake', 'fake', @status, 0, @suspect, @time, @time)
            RETURNING 1
            """,
            r => r.GetInt32(0),
            ("id", ids.ClusterId),
            ("address", address),
            ("status", (int)status),
            ("suspect", (object?)suspectTimes ?? DBNull.Value),
            ("time", time));

    /// <summary>Runs the stored query text with the parameters the provider binds.</summary>
    private static async Task<int> DeleteEntryAsync(
        string connectionString, string sql, TestIds ids, string address, DateTime time, string? suspectTimes)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("DeploymentId", DbType.String) { Value = ids.ClusterId });
        command.Parameters.Add(new NpgsqlParameter("Address", DbType.AnsiString) { Value = address });
        command.Parameters.Add(new NpgsqlParameter("Port", DbType.Int32) { Value = 11111 });
        command.Parameters.Add(new NpgsqlParameter("Generation", DbType.Int32) { Value = 1 });
        command.Parameters.Add(new NpgsqlParameter("SuspectTimes", DbType.String) { Value = (object?)suspectTimes ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("StartTime", DbType.DateTime) { Value = time });
        command.Parameters.Add(new NpgsqlParameter("IAmAliveTime", DbType.DateTime) { Value = time });
        return await command.ExecuteNonQueryAsync();
    }

    private static Task<List<(int Port, SiloStatus Status, int ProxyPort)>> ReadMembersAsync(string connectionString, TestIds ids) =>
        TestDatabase.QueryAsync(
            connectionString,
            "SELECT port, status, proxy_port FROM orleans_membership WHERE deployment_id = @id",
            r => (r.GetInt32(0), (SiloStatus)r.GetInt32(1), r.GetInt32(2)),
            ("id", ids.ClusterId));
}
