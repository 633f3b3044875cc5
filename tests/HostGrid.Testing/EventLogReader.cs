using Npgsql;

namespace HostGrid.Testing;

/// <summary>Reads a cluster's durable event log (hostgrid_events) from the test PostgreSQL.</summary>
public static class EventLogReader
{
    public static async Task<IReadOnlyList<LoggedEvent>> ReadAsync(string serviceId)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT kind, subject, host_id, vm_id, epoch, payload->>'detail' FROM hostgrid_events WHERE service_id = @service ORDER BY seq",
            connection);
        command.Parameters.AddWithValue("service", serviceId);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<LoggedEvent>();
        while (await reader.ReadAsync())
        {
            events.Add(new LoggedEvent(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4),
                reader.IsDBNull(5) ? "" : reader.GetString(5)));
        }

        return events;
    }
}

public sealed record LoggedEvent(string Kind, string Subject, string? HostId, string? VmId, long? Epoch, string Detail);
