using HostGrid.Grains.Failover;
using Npgsql;

namespace HostGrid.Agent.Leases;

/// <summary>Agent leases in <c>hostgrid_agent_leases</c> (deploy/sql/010-hostgrid.sql), timed by the database's clock.</summary>
public sealed class PostgresAgentLeases(NpgsqlDataSource dataSource, string serviceId) : IAgentLeases
{
    private const string Renew =
        "INSERT INTO hostgrid_agent_leases (service_id, host_id, agent, renewed_at) VALUES (@service, @host, @agent, clock_timestamp()) "
        + "ON CONFLICT (service_id, host_id, agent) DO UPDATE SET renewed_at = excluded.renewed_at";

    /// <summary>Leases of agents long gone (every agent restart leaves one) are dropped when an agent first renews.</summary>
    private const string DropOld =
        "DELETE FROM hostgrid_agent_leases WHERE service_id = @service AND renewed_at < clock_timestamp() - interval '1 day'";

    private const string Since =
        "SELECT clock_timestamp() - renewed_at FROM hostgrid_agent_leases WHERE service_id = @service AND host_id = @host AND agent = @agent";

    private int _oldDropped;

    public async Task RenewAsync(HostId host, string agent, CancellationToken cancellationToken)
    {
        await using var command = Command(Renew, host, agent);
        await command.ExecuteNonQueryAsync(cancellationToken);
        if (Interlocked.Exchange(ref _oldDropped, 1) == 0)
        {
            await using var drop = dataSource.CreateCommand(DropOld);
            drop.Parameters.AddWithValue("service", serviceId);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<TimeSpan?> SinceRenewedAsync(HostId host, string agent, CancellationToken cancellationToken)
    {
        await using var command = Command(Since, host, agent);
        return await command.ExecuteScalarAsync(cancellationToken) is TimeSpan since ? since : null;
    }

    private NpgsqlCommand Command(string sql, HostId host, string agent)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("host", host.Value);
        command.Parameters.AddWithValue("agent", agent);
        return command;
    }
}
