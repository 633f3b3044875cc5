using HostGrid.Contracts.Failover;
using HostGrid.Contracts.Vms;

namespace HostGrid.Core.Failover;

/// <summary>The failure detector's rules: when a host is Down, when its guests may restart, and in what order.</summary>
public static class FailureDetector
{
    /// <summary>
    /// Why the host is Down now, or null while it is alive. Membership's verdict and a failed hypervisor count at once,
    /// except that a dead silo whose guests outlive it only counts once its heartbeats are missed too: a restarted agent may
    /// adopt them first, and the fence is counted from the last acknowledged heartbeat either way.
    /// </summary>
    public static FailureCause? Verdict(HostLiveness host, DateTimeOffset now, FailoverOptions options)
    {
        if (host.SiloDead && !host.GuestsOutliveAgent)
        {
            return FailureCause.SiloDead;
        }

        if (!host.HypervisorHealthy)
        {
            return FailureCause.HypervisorFailed;
        }

        return now - host.LastAck >= options.HeartbeatInterval * options.MissedHeartbeats
            ? FailureCause.MissedHeartbeats
            : null;
    }

    /// <summary>
    /// The earliest time a Down host's guests may run elsewhere: its agent stops them by itself once it has gone
    /// <see cref="FailoverOptions.IsolationTimeout"/> without an acknowledged heartbeat, and the margin covers the
    /// ack's travel and the stopping.
    /// </summary>
    public static DateTimeOffset FenceAt(DateTimeOffset lastAck, FailoverOptions options) =>
        lastAck + options.IsolationTimeout + options.FenceMargin;

    /// <summary>
    /// As <see cref="FenceAt(DateTimeOffset, FailoverOptions)"/>, except that an agent which reports it fenced itself
    /// (and runs no guests) is fenced already: its guests may restart at once.
    /// </summary>
    public static DateTimeOffset FenceAt(FailureCause cause, DateTimeOffset lastAck, DateTimeOffset declaredAt, FailoverOptions options) =>
        cause == FailureCause.FencedItself ? declaredAt : FenceAt(lastAck, options);

    /// <summary>
    /// How much longer a Down host's guests must wait for its agent's lease in the database: an agent that renewed it
    /// <paramref name="sinceRenewed"/> ago fences itself no earlier than the isolation timeout after that (plus the
    /// margin). Zero or less: the lease is spent; null (never renewed): nothing to wait for.
    /// </summary>
    public static TimeSpan LeaseWait(TimeSpan? sinceRenewed, FailoverOptions options) =>
        sinceRenewed is { } since ? options.IsolationTimeout + options.FenceMargin - since : TimeSpan.Zero;

    /// <summary>Whether an agent must fence itself: no acknowledged heartbeat for the isolation timeout.</summary>
    public static bool IsIsolated(TimeSpan sinceLastAck, FailoverOptions options) => sinceLastAck >= options.IsolationTimeout;

    /// <summary>Guests in restart order: High, Medium, Low; Disabled ones are left out. Ties by id, so the order is stable.</summary>
    public static IReadOnlyList<T> RestartOrder<T>(IEnumerable<T> guests, Func<T, RestartPriority> priority, Func<T, string> id) =>
        guests
            .Where(g => priority(g) != RestartPriority.Disabled)
            .OrderBy(g => Rank(priority(g)))
            .ThenBy(id, StringComparer.Ordinal)
            .ToList();

    private static int Rank(RestartPriority priority) => priority switch
    {
        RestartPriority.High => 0,
        RestartPriority.Medium => 1,
        RestartPriority.Low => 2,
        _ => 3,
    };
}
