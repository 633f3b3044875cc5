namespace HostGrid.Testing;

/// <summary>The PostgreSQL that scripts/test.sh starts, named by HOSTGRID_TEST_PG.</summary>
public static class TestDatabase
{
    /// <summary>The connection string. Without one, tests fail under CI and say how to get one elsewhere.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("HOSTGRID_TEST_PG") is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException(
                "HOSTGRID_TEST_PG is not set: run the tests through scripts/test.sh, which starts a private PostgreSQL"
                + (Environment.GetEnvironmentVariable("CI") == "true" ? " (CI=true: PostgreSQL is required)." : "."));
}
