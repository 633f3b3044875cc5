using Npgsql;
using Xunit.Abstractions;

namespace HostGrid.Storage.Tests;

/// <summary>deploy/sql on an empty database: complete, idempotent, with the column types the providers need.</summary>
public sealed class SchemaScriptTests(ITestOutputHelper output)
{
    private static readonly string[] _queryKeys =
    [
        // clustering, including the optional 10.4.2 compare-and-delete cleanup
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "DeleteMembershipTableEntriesKey",
        "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
        "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
        // persistence
        "ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey",
        // reminders
        "DeleteReminderRowKey", "DeleteReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "ReadReminderRowKey", "ReadReminderRowsKey", "UpsertReminderRowKey",
    ];

    [Fact]
    public async Task DeploySql_AppliedTwiceToEmptyDatabase_IsIdempotentAndComplete()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        var database = $"hostgrid_schema_test_{Guid.NewGuid():N}";
        await ExecuteAsync(connectionString, $"CREATE DATABASE {database}");
        try
        {
            var fresh = new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false }
                .ConnectionString;

            await TestDatabase.ApplySchemaAsync(fresh, CancellationToken.None);
            var first = await ReadQueriesAsync(fresh);
            Assert.Equal(_queryKeys.Order(StringComparer.Ordinal), first.Keys);

            // A second run succeeds, and puts back a query text someone changed by hand.
            await ExecuteAsync(fresh, "UPDATE orleansquery SET querytext = 'SELECT 1' WHERE querykey = 'GatewaysQueryKey'");
            await TestDatabase.ApplySchemaAsync(fresh, CancellationToken.None);
            Assert.Equal(first, await ReadQueriesAsync(fresh));

            var columns = (await TestDatabase.QueryAsync(
                    fresh,
                    "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'",
                    r => (Column: r.GetString(0), Type: r.GetString(1))))
                .ToDictionary(c => c.Column, c => c.Type);
            Assert.All(
                columns.Where(c => c.Value.StartsWith("timestamp", StringComparison.Ordinal)),
                c => Assert.Equal("timestamp with time zone", c.Value));
            Assert.Equal("bigint", columns["orleans_reminders.period"]);
            Assert.Equal("integer", columns["orleans_reminders.grain_hash"]);
            Assert.Equal("integer", columns["orleans_storage.grain_id_hash"]);
            Assert.Equal("integer", columns["orleans_storage.grain_type_hash"]);
            Assert.Equal("bytea", columns["orleans_storage.payload_binary"]);
            Assert.Equal("text", columns["orleans_membership.address"]);
            Assert.Equal(
                [("seq", "bigint"), ("at", "timestamp with time zone"), ("kind", "text"), ("subject", "text"),
                 ("host_id", "text"), ("vm_id", "text"), ("epoch", "bigint"), ("payload", "jsonb"), ("service_id", "text")],
                await TestDatabase.QueryAsync(
                    fresh,
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'hostgrid_events' ORDER BY ordinal_position",
                    r => (r.GetString(0), r.GetString(1))));

            Assert.True(await TestDatabase.ScalarAsync<bool>(
                fresh,
                """
                SELECT i.indisunique AND i.indnullsnotdistinct
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE c.relname = 'orleans_storage_identity'
                """));
            Assert.True(await TestDatabase.ScalarAsync<bool>(
                fresh,
                """
                SELECT EXISTS (SELECT 1 FROM pg_indexes
                                WHERE tablename = 'hostgrid_events' AND indexdef LIKE '%(subject%')
                """));

            var seq = await TestDatabase.ScalarAsync<long>(
                fresh,
                """
                INSERT INTO hostgrid_events (kind, subject, host_id, vm_id, epoch, payload)
                VALUES ('VmPlaced', 'vms/web-1', 'hv-1', 'web-1', 1, '{"host": "hv-1"}')
                RETURNING seq
                """);
            Assert.Equal(1L, seq);
        }
        finally
        {
            await ExecuteAsync(connectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static async Task<SortedDictionary<string, string>> ReadQueriesAsync(string connectionString)
    {
        var rows = await TestDatabase.QueryAsync(
            connectionString, "SELECT querykey, querytext FROM orleansquery", r => (r.GetString(0), r.GetString(1)));
        return new SortedDictionary<string, string>(rows.ToDictionary(r => r.Item1, r => r.Item2), StringComparer.Ordinal);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
