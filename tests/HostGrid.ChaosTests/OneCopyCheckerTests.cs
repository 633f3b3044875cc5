namespace HostGrid.ChaosTests;

/// <summary>The checker decides every chaos run, so it is tested on ledgers made by hand.</summary>
public sealed class OneCopyCheckerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
    private readonly string _dir = Directory.CreateTempSubdirectory("ledger-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Doubles_SequentialCopiesOnTwoHosts_None()
    {
        Write("hv-1", (0, "start", "vm-1", 1), (1000, "stop", "vm-1", 1));
        Write("hv-2", (1500, "start", "vm-1", 2));

        Assert.Empty(new OneCopyChecker(_dir).Doubles(T0.AddSeconds(10)));
    }

    [Fact]
    public void Doubles_OverlappingCopies_Reported()
    {
        Write("hv-1", (0, "start", "vm-1", 1), (3000, "stop", "vm-1", 1));
        Write("hv-2", (2000, "start", "vm-1", 2));

        var doubles = new OneCopyChecker(_dir).Doubles(T0.AddSeconds(10));

        Assert.Contains("vm-1", Assert.Single(doubles), StringComparison.Ordinal);
    }

    [Fact]
    public void Doubles_KilledHostsCopyEndsAtTheKill()
    {
        Write("hv-1", (0, "start", "vm-1", 1));
        Write("hv-2", (4000, "start", "vm-1", 2));
        var checker = new OneCopyChecker(_dir);
        checker.Killed("hv-1", T0.AddSeconds(1));

        Assert.Empty(checker.Doubles(T0.AddSeconds(10)));
        Assert.Equal("hv-2", checker.Running(T0.AddSeconds(10))["vm-1"].Host);
    }

    [Fact]
    public void Doubles_FrozenHostStopsWithinGraceOfContinue_None()
    {
        Write("hv-1", (0, "start", "vm-1", 1), (9300, "stop", "vm-1", 1));
        Write("hv-2", (5000, "start", "vm-1", 2));
        var checker = new OneCopyChecker(_dir);
        checker.Frozen("hv-1", T0.AddSeconds(1));
        checker.Continued("hv-1", T0.AddSeconds(9));

        Assert.Empty(checker.Doubles(T0.AddSeconds(20)));
    }

    [Fact]
    public void Doubles_FrozenHostRunsOnAfterContinue_Reported()
    {
        Write("hv-1", (0, "start", "vm-1", 1));
        Write("hv-2", (5000, "start", "vm-1", 2));
        var checker = new OneCopyChecker(_dir);
        checker.Frozen("hv-1", T0.AddSeconds(1));
        checker.Continued("hv-1", T0.AddSeconds(9));

        Assert.Single(checker.Doubles(T0.AddSeconds(20)));
    }

    private void Write(string host, params (int Ms, string What, string Vm, long Epoch)[] lines) =>
        File.WriteAllLines(
            Path.Combine(_dir, host + ".ledger"),
            lines.Select(l => $"{T0.AddMilliseconds(l.Ms).ToUnixTimeMilliseconds()} {l.What} {host} {l.Vm} {l.Epoch}"));
}
