namespace HostGrid.Grains.Maintenance;

/// <summary>The persisted state of a host's drain, so a new activation resumes it where it was.</summary>
[GenerateSerializer, Alias("hostgrid.DrainState")]
public sealed class DrainState
{
    /// <summary>The running drain's operation, or null when none runs.</summary>
    [Id(0)] public string? OperationId { get; set; }

    [Id(1)] public DateTimeOffset StartedAt { get; set; }

    [Id(2)] public int Total { get; set; }

    [Id(3)] public int Moved { get; set; }

    /// <summary>Migrations in flight: guest → its migration's operation id.</summary>
    [Id(4)] public Dictionary<VmId, string> Active { get; set; } = [];

    /// <summary>Failed attempts per guest; a guest that failed <see cref="MaintenanceGrain.AttemptsPerGuest"/> times is left.</summary>
    [Id(5)] public Dictionary<VmId, int> Failures { get; set; } = [];

    [Id(6)] public List<string> Migrations { get; set; } = [];

    [Id(7)] public bool CancelRequested { get; set; }

    /// <summary>The last reason a guest could not move, shown on the operation.</summary>
    [Id(8)] public string? LastFailure { get; set; }
}
