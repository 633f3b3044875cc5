namespace HostGrid.Contracts.Hosts;

/// <summary>Health of a host as the cluster sees it.</summary>
public enum HostStatus
{
    /// <summary>Registered; no heartbeat received yet.</summary>
    Joining = 0,
    /// <summary>Heart-beating; accepts new guests.</summary>
    Up = 1,
    /// <summary>Missed a heartbeat; no new guests.</summary>
    Suspect = 2,
    /// <summary>Declared dead.</summary>
    Down = 3,
    /// <summary>Operator maintenance; no new guests.</summary>
    Maintenance = 4,
}
