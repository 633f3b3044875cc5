namespace HostGrid.Core.Failover;

/// <summary>A host's status from the age of its last heartbeat.</summary>
public static class HostHealth
{
    /// <summary>
    /// Joining before the first heartbeat; Up while heartbeats come; Suspect once one interval (plus half an interval
    /// of slack for jitter) has passed without one; Down after <see cref="FailoverOptions.MissedHeartbeats"/> intervals.
    /// A host in maintenance or declared Down stays so (<paramref name="pinned"/>) until something else changes it.
    /// </summary>
    public static HostStatus Evaluate(DateTimeOffset? lastHeartbeat, DateTimeOffset now, FailoverOptions options, HostStatus? pinned = null)
    {
        if (pinned is { } status)
        {
            return status;
        }

        if (lastHeartbeat is not { } last)
        {
            return HostStatus.Joining;
        }

        var age = now - last;
        if (age >= options.HeartbeatInterval * options.MissedHeartbeats)
        {
            return HostStatus.Down;
        }

        return age > options.HeartbeatInterval * 1.5 ? HostStatus.Suspect : HostStatus.Up;
    }
}
