using System.Text.Json;
using HostGrid.Contracts.Events;
using HostGrid.Grains.Events;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HostGrid.Agent.Events;

/// <summary>Appends events to <c>hostgrid_events</c> (deploy/sql/010-hostgrid.sql).</summary>
public sealed partial class PostgresEventLog : IEventLog
{
    private const string Insert =
        "INSERT INTO hostgrid_events (service_id, kind, subject, host_id, vm_id, epoch, payload) VALUES (@service, @kind, @subject, @host, @vm, @epoch, @payload::jsonb)";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly ILogger<PostgresEventLog> _logger;

    public PostgresEventLog(NpgsqlDataSource dataSource, string serviceId, ILogger<PostgresEventLog> logger)
    {
        _dataSource = dataSource;
        _serviceId = serviceId;
        _logger = logger;
    }

    public async Task AppendAsync(ClusterEvent clusterEvent)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(Insert);
            command.Parameters.AddWithValue("service", _serviceId);
            command.Parameters.AddWithValue("kind", clusterEvent.Kind);
            command.Parameters.AddWithValue("subject", clusterEvent.Subject);
            command.Parameters.AddWithValue("host", (object?)clusterEvent.HostId?.Value ?? DBNull.Value);
            command.Parameters.AddWithValue("vm", (object?)clusterEvent.VmId?.Value ?? DBNull.Value);
            command.Parameters.AddWithValue("epoch", (object?)clusterEvent.Epoch ?? DBNull.Value);
            command.Parameters.AddWithValue("payload", JsonSerializer.Serialize(new { detail = clusterEvent.Detail }));
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e)
        {
            LogAppendFailed(e, clusterEvent.Kind, clusterEvent.Subject);
        }
    }

    [LoggerMessage(EventId = Core.Diagnostics.LogEvents.EventAppendFailed, Level = LogLevel.Warning, Message = "Could not append event {Kind} of {Subject} to the event log")]
    private partial void LogAppendFailed(Exception e, string kind, string subject);
}
