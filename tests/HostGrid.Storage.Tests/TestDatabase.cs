using Npgsql;
using Xunit.Abstractions;

namespace HostGrid.Storage.Tests;

/// <summary>
/// The PostgreSQL the tests run on: the Npgsql connection string in HOSTGRID_TEST_PG, as
/// `scripts/pg.sh url` prints it. The deploy/sql files are applied to it once per test run.
/// </summary>
internal static class TestDatabase
{
    public const string EnvironmentVariable = "HOSTGRID_TEST_PG";

    private static readonly Lazy<Task> _schemaApplied = new(
        () => ApplySchemaAsync(Environment.GetEnvironmentVariable(EnvironmentVariable)!, CancellationToken.None));

    /// <summary>
    /// The connection string with the schema applied, or null when no database is configured.
    /// Under CI (CI=true) a missing database fails the test instead: a green run must have run.
    /// </summary>
    public static async Task<string?> GetConnectionStringAsync(ITestOutputHelper output)
    {
        var connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var message = $"{EnvironmentVariable} is not set. Run `scripts/pg.sh start` and set "
                + $"{EnvironmentVariable}=\"$(scripts/pg.sh url)\".";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            output.WriteLine(message + " This test did nothing.");
            return null;
        }

        await _schemaApplied.Value;
        return connectionString;
    }

    /// <summary>The deploy/sql files in the order they are applied.</summary>
    public static IReadOnlyList<string> SchemaFiles()
    {
        var dir = Path.Combine(RepositoryRoot(), "deploy", "sql");
        var files = Directory.GetFiles(dir, "*.sql");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>Applies every deploy/sql file in order, each as one implicit transaction.</summary>
    public static async Task ApplySchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var file in SchemaFiles())
        {
            var sql = await File.ReadAllTextAsync(file, cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task<T> ScalarAsync<T>(
        string connectionString, string sql, params (string Name, object Value)[] parameters) =>
        Assert.Single(await QueryAsync(connectionString, sql, r => r.GetFieldValue<T>(0), parameters));

    public static async Task<List<T>> QueryAsync<T>(
        string connectionString, string sql, Func<NpgsqlDataReader, T> map, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HostGrid.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No HostGrid.sln above {AppContext.BaseDirectory}.");
    }
}
