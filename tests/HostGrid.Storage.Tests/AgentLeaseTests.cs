using HostGrid.Agent.Leases;
using HostGrid.Contracts;
using Npgsql;
using Xunit.Abstractions;

namespace HostGrid.Storage.Tests;

/// <summary>The agents' datastore heartbeats on deploy/sql: renewed and read back by the database's clock, per agent.</summary>
public sealed class AgentLeaseTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Renew_ThenSince_CountsFromTheLatestRenewalOfThatAgentOnly()
    {
        var connectionString = await TestDatabase.GetConnectionStringAsync(output);
        if (connectionString is null)
        {
            return;
        }

        var service = $"lease-test-{Guid.NewGuid():N}";
        var host = new HostId("hv-1");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var leases = new PostgresAgentLeases(dataSource, service);
        Assert.Null(await leases.SinceRenewedAsync(host, "agent-a", CancellationToken.None));

        await leases.RenewAsync(host, "agent-a", CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var before = await leases.SinceRenewedAsync(host, "agent-a", CancellationToken.None);
        Assert.InRange(before!.Value, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));

        // A renewal moves the lease on; another agent of the same host (a restarted one) has its own.
        await leases.RenewAsync(host, "agent-a", CancellationToken.None);
        Assert.True(await leases.SinceRenewedAsync(host, "agent-a", CancellationToken.None) < before);
        Assert.Null(await leases.SinceRenewedAsync(host, "agent-b", CancellationToken.None));
        var otherService = new PostgresAgentLeases(dataSource, service + "-other");
        Assert.Null(await otherService.SinceRenewedAsync(host, "agent-a", CancellationToken.None));
    }
}
