namespace HostGrid.Contracts.Vms;

/// <summary>Order in which failover restarts a dead host's guests; Disabled guests are not restarted.</summary>
public enum RestartPriority
{
    Medium = 0,
    High = 1,
    Low = 2,
    Disabled = 3,
}
