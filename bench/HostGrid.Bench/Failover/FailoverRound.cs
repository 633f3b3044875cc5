using System.Globalization;
using System.Text;

namespace HostGrid.Bench.Failover;

internal enum FaultKind
{
    /// <summary>SIGKILL of the host's agent: the server lost power.</summary>
    Kill,

    /// <summary>SIGSTOP of the host's agent until the cluster settled, then SIGCONT: a hung server that comes back.</summary>
    Hang,
}

/// <summary>What one round measured. Times are seconds from the fault (t0); null when not measured.</summary>
internal sealed class FailoverRound
{
    public FailoverRound(FaultKind kind, int number, string host, int guests)
    {
        Kind = kind;
        Number = number;
        Host = host;
        Guests = guests;
    }

    public FaultKind Kind { get; }

    public int Number { get; }

    /// <summary>The victim host.</summary>
    public string Host { get; }

    /// <summary>Guests on the victim when it was picked.</summary>
    public int Guests { get; }

    /// <summary>t0: just after the signal was delivered (SIGKILL: after the process was reaped).</summary>
    public DateTimeOffset FaultAt { get; set; }

    /// <summary>Settle time − t0: every guest Running on a live host per the API and running exactly once there per the ledger.</summary>
    public double? TotalS { get; set; }

    /// <summary>The latest start in the ledger among the settled copies − t0: when the last guest really started.</summary>
    public double? LastStartS { get; set; }

    /// <summary>Why the round did not settle (the last unmet condition), or null.</summary>
    public string? Unsettled { get; set; }

    /// <summary>Cut short by Ctrl-C or SIGTERM: not counted.</summary>
    public bool Interrupted { get; set; }

    /// <summary>The guests that had not settled when the round gave up.</summary>
    public IReadOnlyList<string>? LastBad { get; set; }

    /// <summary>Guests this round left not running exactly once, left out of later rounds' settling.</summary>
    public IReadOnlyList<string> WrittenOff { get; set; } = [];

    public double? DetectS { get; set; }

    public double? FenceWaitS { get; set; }

    public double? RestartS { get; set; }

    public string? FailoverId { get; set; }

    public string? Cause { get; set; }

    /// <summary>The failover record's last heartbeat − t0 (negative: before the fault, as expected).</summary>
    public double? LastHeartbeatS { get; set; }

    /// <summary>The failover record's restarted_count and pending_count.</summary>
    public int? Restarted { get; set; }

    public int? Pending { get; set; }

    /// <summary>Failover records declared from t0 until the round was restored, besides the victim's first one.</summary>
    public IReadOnlyList<string> OtherFailovers { get; set; } = [];

    /// <summary>Hosts other than the victim whose agent logged that it fenced itself during the round.</summary>
    public List<string> SelfFenced { get; } = [];

    /// <summary>Failover records of the victim declared since t0 (1 is normal).</summary>
    public int FailoverRecords { get; set; }

    /// <summary>Why the split could not be read, or null.</summary>
    public string? FailoverProblem { get; set; }

    /// <summary>The coordinator's host before the fault, when known from the agents' logs.</summary>
    public string? CoordinatorBefore { get; set; }

    /// <summary>The host whose agent logged the victim's declaration (where the coordinator ran then).</summary>
    public string? DeclaredOn { get; set; }

    /// <summary>Hosts whose agent activated the coordinator during the round.</summary>
    public IReadOnlyList<string> CoordinatorActivations { get; set; } = [];

    /// <summary>Hang rounds: what the continued agent did ("exited, restarted", "kept running, rejoined").</summary>
    public string? AfterContinue { get; set; }

    /// <summary>Pairs of overlapping copies in the whole ledger right after the round settled.</summary>
    public int DoublesSoFar { get; set; }

    public string Label => $"{(Kind == FaultKind.Kill ? "kill" : "hang")} {Number}";

    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Label}: {Host} ({Guests} guests; times from the fault)");
        text.Append(TotalS is { } total ? string.Create(CultureInfo.InvariantCulture, $" total {total:F2} s")
            : Interrupted ? " interrupted (not counted)"
            : $" NOT SETTLED ({Unsettled})");
        if (LastStartS is { } last)
        {
            text.Append(CultureInfo.InvariantCulture, $" (last guest start at {last:F2} s)");
        }

        if (FailoverId is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $", {FailoverId} {Cause}: detect {S(DetectS)}, fence_wait {S(FenceWaitS)}, restart {S(RestartS)}");
            text.Append(CultureInfo.InvariantCulture, $" (last heartbeat at {S(LastHeartbeatS)}, {Restarted} restarted");
            text.Append(Pending > 0 ? string.Create(CultureInfo.InvariantCulture, $", {Pending} pending)") : ")");
        }

        if (FailoverProblem is not null)
        {
            text.Append(", failover record: ").Append(FailoverProblem);
        }

        if (FailoverRecords > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $", {FailoverRecords} failover records since t0");
        }

        if (CoordinatorBefore == Host)
        {
            text.Append(", victim ran the coordinator");
        }

        if (DeclaredOn is not null)
        {
            text.Append(", declared by the coordinator on ").Append(DeclaredOn);
        }

        if (CoordinatorActivations.Count > 0)
        {
            text.Append(", coordinator activated on ").Append(string.Join(" and ", CoordinatorActivations));
        }

        if (SelfFenced.Count > 0)
        {
            text.Append(", other hosts fenced themselves: ").Append(string.Join(" and ", SelfFenced));
        }

        if (OtherFailovers.Count > 0)
        {
            text.Append(", other failovers: ").Append(string.Join("; ", OtherFailovers));
        }

        if (AfterContinue is not null)
        {
            text.Append(", after SIGCONT: ").Append(AfterContinue);
        }

        if (WrittenOff.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", written off (left out of later rounds): {string.Join(' ', WrittenOff)}");
        }

        if (DoublesSoFar > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {DoublesSoFar} double(s) in the ledger so far");
        }

        return text.ToString();

        static string S(double? seconds) => seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:F2} s") : "?";
    }
}
