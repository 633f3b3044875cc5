using HostGrid.Core.Migration;

namespace HostGrid.Core.Tests.Migration;

public sealed class MigrationConvergenceTests
{
    private const long Mib = 1024 * 1024;
    private static readonly double GibPerSecond = 1024.0 * Mib;

    private static readonly MigrationOptions Defaults = new();

    private static PreCopyState State(int round, long[] remainingMib, double bandwidth = 1024.0 * Mib, int throttle = 0, double elapsedSeconds = 1, double overheadMs = 0) =>
        new(round, remainingMib.Select(m => m * Mib).ToArray(), bandwidth, TimeSpan.FromSeconds(elapsedSeconds), throttle, TimeSpan.FromMilliseconds(overheadMs));

    [Fact]
    public void Decide_NothingDirty_SwitchesOver()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(1, [0], bandwidth: 0));

        Assert.Equal(ConvergenceAction.SwitchOver, decision.Action);
    }

    [Fact]
    public void Decide_RemainingFitsInHalfMaxDowntime_SwitchesOverKeepingThrottle()
    {
        // 20 MiB at 1 GiB/s is 20 ms, within half of 50 ms.
        var decision = MigrationConvergence.Decide(Defaults, State(2, [300, 20], throttle: 30));

        Assert.Equal((ConvergenceAction.SwitchOver, 30), (decision.Action, decision.ThrottlePercent));
    }

    [Fact]
    public void Decide_FitsButLastRoundShrankWell_AnotherRound()
    {
        // 40 MiB at 1 GiB/s is 39 ms: within 50 ms but not 25, and the last round shrank the dirty set to 13%.
        var decision = MigrationConvergence.Decide(Defaults, State(2, [300, 40], throttle: 30));

        Assert.Equal((ConvergenceAction.Continue, 30), (decision.Action, decision.ThrottlePercent));
    }

    [Fact]
    public void Decide_FitsAfterTheFullPassOnly_AnotherRound()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(1, [40]));

        Assert.Equal(ConvergenceAction.Continue, decision.Action);
    }

    [Fact]
    public void Decide_FitsAndStoppedShrinking_SwitchesOver()
    {
        // 40 MiB is 39 ms; the last round only shrank the dirty set from 50 MiB, so another would not help.
        var decision = MigrationConvergence.Decide(Defaults, State(3, [300, 50, 40]));

        Assert.Equal(ConvergenceAction.SwitchOver, decision.Action);
    }

    [Fact]
    public void Decide_FitsButShrinkingAtMaxRounds_SwitchesOverRatherThanFails()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(30, [300, 40]));

        Assert.Equal(ConvergenceAction.SwitchOver, decision.Action);
    }

    [Fact]
    public void Decide_RemainingJustOverBudget_Continues()
    {
        // 60 MiB at 1 GiB/s is 59 ms.
        var decision = MigrationConvergence.Decide(Defaults, State(2, [300, 60]));

        Assert.Equal((ConvergenceAction.Continue, 0), (decision.Action, decision.ThrottlePercent));
    }

    [Fact]
    public void Decide_OverheadTakesBudget_Continues()
    {
        // 40 MiB is 39 ms of sending, plus 15 ms of fixed switch-over cost: over 50 ms.
        var decision = MigrationConvergence.Decide(Defaults, State(2, [300, 40], overheadMs: 15));

        Assert.Equal(ConvergenceAction.Continue, decision.Action);
    }

    [Fact]
    public void Decide_NoBandwidthMeasuredAndDirty_Continues()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(1, [10], bandwidth: 0));

        Assert.Equal(ConvergenceAction.Continue, decision.Action);
    }

    [Fact]
    public void Decide_ShrinkingRounds_ContinuesWithoutThrottle()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(3, [800, 300, 100]));

        Assert.Equal((ConvergenceAction.Continue, 0), (decision.Action, decision.ThrottlePercent));
    }

    [Fact]
    public void Decide_TwoRoundsNotShrinking_ThrottlesAtInitialStep()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(3, [400, 300, 250]));

        Assert.Equal((ConvergenceAction.Continue, 20), (decision.Action, decision.ThrottlePercent));
        Assert.Contains("throttle raised to 20%", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_StillStalledWhileThrottled_RaisesByIncrement()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(4, [400, 300, 250, 240], throttle: 20));

        Assert.Equal((ConvergenceAction.Continue, 30), (decision.Action, decision.ThrottlePercent));
    }

    [Fact]
    public void Decide_StalledNearMax_CapsAtThrottleMax()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(12, [400, 300, 250, 240], throttle: 95));

        Assert.Equal(99, decision.ThrottlePercent);
    }

    [Fact]
    public void Decide_StalledWithoutAutoConverge_KeepsThrottle()
    {
        var options = new MigrationOptions { AutoConverge = false };

        var decision = MigrationConvergence.Decide(options, State(3, [400, 300, 250]));

        Assert.Equal((ConvergenceAction.Continue, 0), (decision.Action, decision.ThrottlePercent));
    }

    [Fact]
    public void Decide_OneRoundNotShrinking_DoesNotThrottleYet()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(3, [800, 200, 190]));

        Assert.Equal(0, decision.ThrottlePercent);
    }

    [Fact]
    public void Decide_MaxRoundsReached_FailsWithRemainingBandwidthAndThrottle()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(30, [130, 120], bandwidth: 950 * Mib, throttle: 99));

        Assert.Equal(ConvergenceAction.Fail, decision.Action);
        Assert.Equal("did not converge after 30 rounds: 120.0 MiB still dirty at 950 MiB/s, throttle 99%", decision.Reason);
    }

    [Fact]
    public void Decide_TimeoutPassed_FailsNamingTimeout()
    {
        var options = new MigrationOptions { Timeout = TimeSpan.FromSeconds(10) };

        var decision = MigrationConvergence.Decide(options, State(4, [500, 400, 300, 200], bandwidth: GibPerSecond, elapsedSeconds: 10));

        Assert.Equal(ConvergenceAction.Fail, decision.Action);
        Assert.StartsWith("did not converge within 10 s (4 rounds): 200.0 MiB still dirty at 1024 MiB/s", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_FitsAtLastRound_SwitchesOverRatherThanFails()
    {
        var decision = MigrationConvergence.Decide(Defaults, State(30, [130, 10]));

        Assert.Equal(ConvergenceAction.SwitchOver, decision.Action);
    }

    [Fact]
    public void Decide_SimulatedHotSetWorkload_ThrottlesUntilItConverges()
    {
        // A guest dirtying 400 MiB/s into a 200 MiB hot set, sent at 250 MiB/s: only throttling lets it converge.
        var options = new MigrationOptions();
        var remaining = new List<long> { 200 * Mib };
        var throttle = 0;
        var bandwidth = 250.0 * Mib;
        ConvergenceDecision decision;
        var round = 1;
        do
        {
            decision = MigrationConvergence.Decide(options, new PreCopyState(round, remaining.ToArray(), bandwidth, TimeSpan.FromSeconds(round), throttle, TimeSpan.Zero));
            throttle = decision.ThrottlePercent;
            var roundSeconds = remaining[^1] / bandwidth;
            var dirtied = (long)Math.Min(200 * Mib, 400 * Mib * (1 - throttle / 100.0) * roundSeconds);
            remaining.Add(dirtied);
            round++;
        }
        while (decision.Action == ConvergenceAction.Continue && round <= options.MaxRounds + 1);

        Assert.Equal(ConvergenceAction.SwitchOver, decision.Action);
        Assert.InRange(throttle, options.ThrottleInitialPercent, options.ThrottleMaxPercent);
    }

    [Theory]
    [InlineData(new long[] { 100 }, false)]
    [InlineData(new long[] { 100, 90 }, false)]
    [InlineData(new long[] { 100, 90, 80 }, true)]
    [InlineData(new long[] { 100, 40, 80 }, false)]
    [InlineData(new long[] { 100, 90, 40 }, false)]
    [InlineData(new long[] { 10, 100, 90, 80 }, true)]
    public void IsStalled_History_TrueOnlyWhenLastTwoRoundsShrankByLessThanHalf(long[] history, bool expected) =>
        Assert.Equal(expected, MigrationConvergence.IsStalled(history));
}
