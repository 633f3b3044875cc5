namespace HostGrid.Contracts.Failover;

public enum VmFailoverResult
{
    /// <summary>Running (or placed, if it was stopped) on a survivor.</summary>
    Restarted = 0,
    /// <summary>Nothing fits now; retried when capacity appears.</summary>
    Pending = 1,
    /// <summary>Restart priority is Disabled.</summary>
    Skipped = 2,
    /// <summary>The guest was no longer on the dead host (moved or deleted meanwhile).</summary>
    NotOnHost = 3,
}
