using System.Globalization;

namespace HostGrid.ChaosTests;

/// <summary>
/// Decides a chaos run from the guest ledgers the simulated hypervisors write (one line per start and stop:
/// <c>{unix ms} {start|stop} {host} {vm} {epoch}</c>) and the faults the test injected. A copy runs from its start
/// until its stop, or until its agent was killed. A frozen (SIGSTOP) agent's copies do not run while it is frozen;
/// once continued, its isolation response has <see cref="ResumeGrace"/> to stop them before they count as running.
/// </summary>
public sealed class OneCopyChecker
{
    /// <summary>Time a continued agent has to act on its isolation (its monitor checks every 100 ms).</summary>
    public static readonly TimeSpan ResumeGrace = TimeSpan.FromSeconds(1);

    private readonly List<Fault> _faults = [];

    public OneCopyChecker(string ledgerDirectory) => LedgerDirectory = ledgerDirectory;

    public string LedgerDirectory { get; }

    public void Killed(string host, DateTimeOffset at) => _faults.Add(new Fault(host, at, null));

    /// <summary>The host's agent was frozen at <paramref name="from"/>; until <see cref="Continued"/> is called it counts as frozen still.</summary>
    public void Frozen(string host, DateTimeOffset from) => _faults.Add(new Fault(host, from, DateTimeOffset.MaxValue - ResumeGrace));

    public void Continued(string host, DateTimeOffset at)
    {
        var index = _faults.FindLastIndex(f => f.Host == host && f.Continued == DateTimeOffset.MaxValue - ResumeGrace);
        _faults[index] = _faults[index] with { Continued = at };
    }

    /// <summary>Every start and stop the ledgers hold, in time order.</summary>
    public IReadOnlyList<LedgerEntry> Entries() => ReadLedger().OrderBy(e => e.At).ToList();

    /// <summary>Every interval in which a copy of a guest ran, as of <paramref name="now"/>.</summary>
    public IReadOnlyList<CopyInterval> Intervals(DateTimeOffset now)
    {
        var intervals = new List<CopyInterval>();
        foreach (var group in ReadLedger().GroupBy(e => (e.Host, e.Vm)))
        {
            CopyInterval? open = null;
            foreach (var entry in group.OrderBy(e => e.At))
            {
                if (open is not null)
                {
                    intervals.Add(open with { To = entry.At });
                    open = null;
                }

                if (entry.Start)
                {
                    open = new CopyInterval(entry.Vm, entry.Host, entry.Epoch, entry.At, now);
                }
            }

            if (open is not null)
            {
                intervals.Add(open);
            }
        }

        return intervals.SelectMany(ApplyFaults).Where(i => i.To > i.From).ToList();
    }

    /// <summary>Pairs of copies of one guest that ran at the same time.</summary>
    public IReadOnlyList<string> Doubles(DateTimeOffset now)
    {
        var problems = new List<string>();
        foreach (var vm in Intervals(now).GroupBy(i => i.Vm))
        {
            var copies = vm.OrderBy(i => i.From).ToList();
            for (var a = 0; a < copies.Count; a++)
            {
                for (var b = a + 1; b < copies.Count; b++)
                {
                    if (copies[b].From < copies[a].To && copies[a].From < copies[b].To)
                    {
                        problems.Add($"{vm.Key}: {copies[a]} overlaps {copies[b]}");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>The copy of each guest that runs at <paramref name="now"/>, if any.</summary>
    public IReadOnlyDictionary<string, CopyInterval> Running(DateTimeOffset now) =>
        Intervals(now).Where(i => i.To >= now).GroupBy(i => i.Vm).ToDictionary(g => g.Key, g => g.OrderByDescending(i => i.From).First());

    private IEnumerable<CopyInterval> ApplyFaults(CopyInterval interval)
    {
        var pieces = new List<CopyInterval> { interval };
        foreach (var fault in _faults.Where(f => f.Host == interval.Host).OrderBy(f => f.From))
        {
            pieces = pieces.SelectMany(p => Cut(p, fault)).ToList();
        }

        return pieces;
    }

    private static IEnumerable<CopyInterval> Cut(CopyInterval copy, Fault fault)
    {
        if (copy.From >= fault.From && (fault.Continued is null || copy.From >= fault.Continued.Value + ResumeGrace))
        {
            yield return copy; // started after the fault (a new incarnation, or after the grace)
            yield break;
        }

        if (copy.To <= fault.From)
        {
            yield return copy;
            yield break;
        }

        yield return copy with { To = fault.From };
        if (fault.Continued is { } continued && copy.To > continued + ResumeGrace)
        {
            yield return copy with { From = continued + ResumeGrace };
        }
    }

    private IEnumerable<LedgerEntry> ReadLedger()
    {
        if (!Directory.Exists(LedgerDirectory))
        {
            yield break;
        }

        foreach (var file in Directory.GetFiles(LedgerDirectory, "*.ledger"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                var f = line.Split(' ');
                if (f.Length != 5)
                {
                    continue; // a line cut short by a kill
                }

                yield return new LedgerEntry(
                    DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[0], CultureInfo.InvariantCulture)),
                    f[1] == "start",
                    f[2],
                    f[3],
                    long.Parse(f[4], CultureInfo.InvariantCulture));
            }
        }
    }

    private sealed record Fault(string Host, DateTimeOffset From, DateTimeOffset? Continued);

    /// <summary>One line of a guest ledger: a copy started or stopped.</summary>
    public sealed record LedgerEntry(DateTimeOffset At, bool Start, string Host, string Vm, long Epoch)
    {
        public override string ToString() => $"{At:HH:mm:ss.fff} {(Start ? "start" : "stop")} {Host} {Vm} e{Epoch}";
    }
}

/// <summary>One copy of a guest running on a host at an epoch, from <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record CopyInterval(string Vm, string Host, long Epoch, DateTimeOffset From, DateTimeOffset To)
{
    public override string ToString() => $"[{Host} e{Epoch} {From:HH:mm:ss.fff}-{To:HH:mm:ss.fff}]";
}
