using HostGrid.Contracts.Rebalancing;
using HostGrid.Core.Rebalancing;
using static HostGrid.Core.Tests.Rebalancing.RebalanceFixtures;

namespace HostGrid.Core.Tests.Rebalancing;

/// <summary>
/// Automatic mode over simulated time: every 10 s the loads are sampled, fed to <see cref="RebalanceTrigger"/>, and when it
/// says so the planner's moves are applied at once (each guest's LastMovedAt set). Loads follow time-varying profiles.
/// </summary>
public sealed class NoPingPongTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    [Fact]
    public void AutoMode_BriefSpikes_NeverMoveAnything()
    {
        // The guests of hv-0 and hv-1 burst to full demand for 60 s every 5 minutes (the window is 2 minutes).
        var run = Simulate(TimeSpan.FromHours(2), (guest, t) =>
            guest.StartsWith("a-", StringComparison.Ordinal) && t.TotalSeconds % 300 < 60 ? 1.9 : 0.5);

        Assert.True(run.PeakImbalance > new RebalancerOptions().EffectiveTargetImbalance, "the spikes never crossed the target");
        Assert.Empty(run.Moves);
        Assert.Equal(0, run.Passes);
    }

    [Fact]
    public void AutoMode_OscillatingLoad_NoGuestMovesAgainWithinItsCooldown()
    {
        // Groups a and b take turns being busy, 15 minutes each, while c is steady: sustained imbalance, then another.
        var options = new RebalancerOptions();
        var run = Simulate(TimeSpan.FromHours(4), (guest, t) =>
        {
            var busy = t.TotalMinutes % 30 < 15 ? "a-" : "b-";
            return guest.StartsWith(busy, StringComparison.Ordinal) ? 1.9 : guest.StartsWith("c-", StringComparison.Ordinal) ? 0.8 : 0.3;
        });

        Assert.True(run.Passes > 0, "the oscillation never triggered a pass: the test shows nothing");
        Assert.NotEmpty(run.Moves);
        foreach (var group in run.Moves.GroupBy(m => m.VmId))
        {
            var times = group.Select(m => m.At).ToList();
            for (var i = 1; i < times.Count; i++)
            {
                Assert.True(times[i] - times[i - 1] >= options.VmCooldown, $"{group.Key} moved at {times[i - 1]:T} and again at {times[i]:T}");
            }
        }

        // A pass needs the imbalance above target for a whole window after the previous pass.
        var passTimes = run.Moves.Select(m => m.At).Distinct().Order().ToList();
        for (var i = 1; i < passTimes.Count; i++)
        {
            Assert.True(passTimes[i] - passTimes[i - 1] >= options.SustainedWindow, $"passes at {passTimes[i - 1]:T} and {passTimes[i]:T}");
        }
    }

    [Fact]
    public void AutoMode_LastingSkew_SettlesAndStaysPut()
    {
        // One lasting skew: the planner fixes it in a few passes, then nothing moves for the rest of the run.
        var run = Simulate(TimeSpan.FromHours(2), (guest, _) => guest.StartsWith("a-", StringComparison.Ordinal) ? 1.8 : 0.4);

        Assert.NotEmpty(run.Moves);
        var lastMove = run.Moves.Max(m => m.At);
        Assert.True(lastMove < Now + TimeSpan.FromMinutes(30), $"still moving at {lastMove:T}");
        Assert.True(run.FinalImbalance <= new RebalancerOptions().EffectiveTargetImbalance, $"ended at {run.FinalImbalance:F3}");
    }

    private static SimulationRun Simulate(TimeSpan duration, Func<string, TimeSpan, double> cpuDemand)
    {
        var options = new RebalancerOptions { Mode = RebalanceMode.Auto };
        var hosts = Enumerable.Range(0, 6).Select(h => Host($"hv-{h}", vcpus: 16, memoryMib: 65_536)).ToList();

        // Four guests a host: group a on hv-0 and hv-1, group b on hv-2 and hv-3, group c on hv-4 and hv-5.
        var guests = new List<RebalanceGuest>();
        foreach (var (group, first) in new[] { ("a", 0), ("b", 2), ("c", 4) })
        {
            for (var i = 0; i < 8; i++)
            {
                guests.Add(Guest($"{group}-{i}", $"hv-{first + (i % 2)}", cpu: 0, memoryUsedMib: 4_096, vcpus: 2, memoryMib: 8_192));
            }
        }

        var state = RebalanceTriggerState.Initial;
        var moves = new List<(VmId VmId, DateTimeOffset At)>();
        var passes = 0;
        var peak = 0.0;
        var imbalance = 0.0;
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += Step)
        {
            var now = Now + elapsed;
            guests = guests.Select(g => g with { CpuDemand = cpuDemand(g.VmId.Value, elapsed) }).ToList();
            var snapshot = new RebalanceSnapshot(hosts, guests, now);
            imbalance = ImbalanceMetric.Imbalance(snapshot, options);
            peak = Math.Max(peak, imbalance);
            var decision = RebalanceTrigger.Observe(state, new ImbalanceSample(now, imbalance), options);
            state = decision.State;
            if (decision.Action != RebalanceAction.Apply)
            {
                continue;
            }

            passes++;
            var plan = RebalancePlanner.Plan(snapshot, options);
            PlanChecker.AssertValid(snapshot, options, plan);
            guests = RebalancePlannerPropertyTests.Apply(snapshot, plan).Guests.ToList();
            moves.AddRange(plan.Moves.Select(m => (m.VmId, now)));
        }

        return new SimulationRun(moves, passes, peak, imbalance);
    }

    private sealed record SimulationRun(List<(VmId VmId, DateTimeOffset At)> Moves, int Passes, double PeakImbalance, double FinalImbalance);
}
