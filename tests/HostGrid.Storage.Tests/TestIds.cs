namespace HostGrid.Storage.Tests;

/// <summary>
/// A fresh ClusterId and ServiceId per test, so tests sharing one database never meet. Disposing
/// it (after the silos) deletes the rows written under these ids, so the database does not grow.
/// </summary>
internal sealed record TestIds(string ClusterId, string ServiceId, string ConnectionString) : IAsyncDisposable
{
    public static TestIds New(string connectionString)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return new TestIds($"test-cluster-{suffix}", $"test-service-{suffix}", connectionString);
    }

    public async ValueTask DisposeAsync() =>
        await TestDatabase.QueryAsync(
            ConnectionString,
            """
            WITH membership AS (DELETE FROM orleans_membership_version WHERE deployment_id = @c),
                 storage AS (DELETE FROM orleans_storage WHERE service_id = @s),
                 reminders AS (DELETE FROM orleans_reminders WHERE service_id = @s)
            SELECT 1
            """,
            r => r.GetInt32(0),
            ("c", ClusterId),
            ("s", ServiceId));
}
