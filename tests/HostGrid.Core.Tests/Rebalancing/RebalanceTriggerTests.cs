using HostGrid.Contracts.Rebalancing;
using HostGrid.Core.Rebalancing;
using static HostGrid.Core.Tests.Rebalancing.RebalanceFixtures;

namespace HostGrid.Core.Tests.Rebalancing;

public sealed class RebalanceTriggerTests
{
    private static readonly RebalancerOptions Auto = new() { Mode = RebalanceMode.Auto };

    private static IEnumerable<ImbalanceSample> Samples(params (int Seconds, double Imbalance)[] points) =>
        points.Select(p => new ImbalanceSample(Now + TimeSpan.FromSeconds(p.Seconds), p.Imbalance));

    [Fact]
    public void Observe_AboveForTheWholeWindow_Applies()
    {
        var decision = RebalanceTrigger.Observe(RebalanceTriggerState.Initial, Samples((0, 0.3), (60, 0.3), (120, 0.25)), Auto);

        Assert.Equal(RebalanceAction.Apply, decision.Action);
        Assert.Equal("imbalance above the target 0.100 for 120 s (window 120 s), now 0.250", decision.Reason);
    }

    [Fact]
    public void Observe_AboveForLessThanTheWindow_WaitsAndSaysHowLong()
    {
        var decision = RebalanceTrigger.Observe(RebalanceTriggerState.Initial, Samples((0, 0.3), (60, 0.3), (110, 0.3)), Auto);

        Assert.Equal(RebalanceAction.None, decision.Action);
        Assert.Equal("imbalance 0.300 above the target 0.100 for 110 s of the 120 s window", decision.Reason);
        Assert.Equal(Now, decision.State.AboveSince);
    }

    [Fact]
    public void Observe_BriefSpikes_NeverAct()
    {
        // Above for 90 s of every 3 minutes, sampled every 10 s, for an hour.
        var state = RebalanceTriggerState.Initial;
        for (var t = 0; t < 3_600; t += 10)
        {
            var decision = RebalanceTrigger.Observe(state, new ImbalanceSample(Now + TimeSpan.FromSeconds(t), t % 180 < 90 ? 0.4 : 0.05), Auto);
            Assert.False(decision.Acts, $"acted at {t} s: {decision.Reason}");
            state = decision.State;
        }
    }

    [Fact]
    public void Observe_OneSampleUnderTheTarget_RestartsTheWindow()
    {
        var decision = RebalanceTrigger.Observe(RebalanceTriggerState.Initial, Samples((0, 0.3), (60, 0.1), (120, 0.3), (180, 0.3)), Auto);

        Assert.Equal(RebalanceAction.None, decision.Action);
        Assert.Equal(Now + TimeSpan.FromSeconds(120), decision.State.AboveSince);
    }

    [Fact]
    public void Observe_GapLongerThanTwoIntervals_RestartsTheWindow()
    {
        var decision = RebalanceTrigger.Observe(RebalanceTriggerState.Initial, Samples((0, 0.3), (300, 0.3)), Auto);

        Assert.Equal(RebalanceAction.None, decision.Action);
        Assert.Equal(Now + TimeSpan.FromSeconds(300), decision.State.AboveSince);
    }

    [Fact]
    public void Observe_AfterActing_NeedsAnotherFullWindow()
    {
        var first = RebalanceTrigger.Observe(RebalanceTriggerState.Initial, Samples((0, 0.3), (60, 0.3), (120, 0.3)), Auto);
        var next = RebalanceTrigger.Observe(first.State, Samples((180, 0.3), (230, 0.3)), Auto);
        var later = RebalanceTrigger.Observe(next.State, Samples((240, 0.3)), Auto);

        Assert.True(first.Acts);
        Assert.Equal(Now + TimeSpan.FromSeconds(120), first.State.LastPassAt);
        Assert.False(next.Acts);
        Assert.Equal(RebalanceAction.Apply, later.Action);
    }

    [Fact]
    public void Observe_RecommendMode_Recommends()
    {
        var decision = RebalanceTrigger.Observe(RebalanceTriggerState.Initial, Samples((0, 0.3), (60, 0.3), (120, 0.3)), new RebalancerOptions());

        Assert.Equal(RebalanceAction.Recommend, decision.Action);
    }

    [Fact]
    public void Observe_OffMode_NeverActsButKeepsCounting()
    {
        var decision = RebalanceTrigger.Observe(RebalanceTriggerState.Initial, Samples((0, 0.3), (60, 0.3), (120, 0.3)), new RebalancerOptions { Mode = RebalanceMode.Off });

        Assert.Equal(RebalanceAction.None, decision.Action);
        Assert.Equal("mode is Off", decision.Reason);
        Assert.Equal(Now, decision.State.AboveSince);
    }

    [Fact]
    public void Observe_SampleNotAfterTheLast_IsIgnored()
    {
        var state = RebalanceTrigger.Observe(RebalanceTriggerState.Initial, Samples((0, 0.3), (60, 0.3)), Auto).State;

        var decision = RebalanceTrigger.Observe(state, new ImbalanceSample(Now + TimeSpan.FromSeconds(30), 0.05), Auto);

        Assert.Equal(RebalanceAction.None, decision.Action);
        Assert.Same(state, decision.State);
        Assert.Contains("ignored", decision.Reason, StringComparison.Ordinal);
    }
}
