using HostGrid.Contracts.Failover;
using HostGrid.Gateway.Api;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Tests.Api;

public sealed class FailoverApiTests
{
    private static readonly DateTimeOffset Declared = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static FailoverSnapshot Failover(
        string id = "hv-2-1",
        string host = "hv-2",
        FailoverPhase phase = FailoverPhase.Completed,
        DateTimeOffset? declared = null,
        DateTimeOffset? completed = null,
        params VmFailoverOutcome[] outcomes)
    {
        var at = declared ?? Declared;
        return new FailoverSnapshot(id, new HostId(host), FailureCause.MissedHeartbeats, phase,
            at.AddSeconds(-4), at, at.AddSeconds(3.5), completed, outcomes);
    }

    private static VmFailoverOutcome Outcome(string vm, VmFailoverResult result, string? newHost = null, long epoch = 2, string? reason = null) =>
        new(new VmId(vm), result, newHost is null ? null : new HostId(newHost), epoch, reason);

    [Fact]
    public void ToProto_CompletedFailover_EveryFieldTimesAndCounts()
    {
        var snapshot = Failover(
            completed: Declared.AddSeconds(5.25),
            outcomes:
            [
                Outcome("api-1", VmFailoverResult.Restarted, "hv-1", 4),
                Outcome("batch-1", VmFailoverResult.Skipped, "hv-2", 1, "restart priority disabled"),
                Outcome("db-1", VmFailoverResult.Pending, null, 3, "no host has 64 GiB free"),
                Outcome("gone-1", VmFailoverResult.NotOnHost, null, 7, "no longer on the dead host"),
                Outcome("web-1", VmFailoverResult.Restarted, "hv-3", 5),
            ]);

        var message = ApiMapper.ToProto(snapshot);

        Assert.Equal(("failovers/hv-2-1", "hv-2-1", "hv-2"), (message.Name, message.FailoverId, message.HostId));
        Assert.Equal((Proto.FailureCause.MissedHeartbeats, Proto.FailoverPhase.Completed), (message.Cause, message.Phase));
        Assert.Equal(Declared.AddSeconds(-4), message.LastHeartbeatTime.ToDateTimeOffset());
        Assert.Equal(Declared, message.DeclaredTime.ToDateTimeOffset());
        Assert.Equal(Declared.AddSeconds(3.5), message.FenceTime.ToDateTimeOffset());
        Assert.Equal(Declared.AddSeconds(5.25), message.CompletedTime.ToDateTimeOffset());
        Assert.Equal((2, 1, 1), (message.RestartedCount, message.PendingCount, message.SkippedCount));
        Assert.Equal(["api-1", "batch-1", "db-1", "gone-1", "web-1"], message.Outcomes.Select(o => o.VmId));
        var restarted = message.Outcomes[0];
        Assert.Equal((Proto.VmFailoverResult.Restarted, "hv-1", 4L, ""), (restarted.Result, restarted.NewHostId, restarted.Epoch, restarted.Reason));
        var pending = message.Outcomes[2];
        Assert.Equal((Proto.VmFailoverResult.Pending, "", 3L, "no host has 64 GiB free"), (pending.Result, pending.NewHostId, pending.Epoch, pending.Reason));
        Assert.Equal(Proto.VmFailoverResult.NotOnHost, message.Outcomes[3].Result);
    }

    [Fact]
    public void ToProto_RunningFailover_NoCompletedTimeNoOutcomesZeroCounts()
    {
        var message = ApiMapper.ToProto(Failover(phase: FailoverPhase.AwaitingFence));

        Assert.Null(message.CompletedTime);
        Assert.Equal(Proto.FailoverPhase.AwaitingFence, message.Phase);
        Assert.Empty(message.Outcomes);
        Assert.Equal((0, 0, 0), (message.RestartedCount, message.PendingCount, message.SkippedCount));
    }

    [Fact]
    public void ToProtoOutcome_NoNewHostNoReason_EmptyStrings()
    {
        var message = ApiMapper.ToProto(Outcome("web-1", VmFailoverResult.NotOnHost, null, 0, null));

        Assert.Equal(("web-1", "", ""), (message.VmId, message.NewHostId, message.Reason));
    }

    [Fact]
    public void ToProto_EveryCausePhaseAndResult_DistinctAndNotUnspecified()
    {
        AssertDistinctNotUnspecified(Enum.GetValues<FailureCause>().Select(ApiMapper.ToProto).ToList(), Enum.GetValues<FailureCause>().Length, Proto.FailureCause.Unspecified);
        AssertDistinctNotUnspecified(Enum.GetValues<FailoverPhase>().Select(ApiMapper.ToProto).ToList(), Enum.GetValues<FailoverPhase>().Length, Proto.FailoverPhase.Unspecified);
        AssertDistinctNotUnspecified(Enum.GetValues<VmFailoverResult>().Select(ApiMapper.ToProto).ToList(), Enum.GetValues<VmFailoverResult>().Length, Proto.VmFailoverResult.Unspecified);

        // And the other way: every value the API defines is produced by some domain value.
        Assert.Equal(Enum.GetValues<Proto.FailureCause>().Length - 1, Enum.GetValues<FailureCause>().Length);
        Assert.Equal(Enum.GetValues<Proto.FailoverPhase>().Length - 1, Enum.GetValues<FailoverPhase>().Length);
        Assert.Equal(Enum.GetValues<Proto.VmFailoverResult>().Length - 1, Enum.GetValues<VmFailoverResult>().Length);
    }

    private static void AssertDistinctNotUnspecified<T>(List<T> mapped, int count, T unspecified)
    {
        Assert.DoesNotContain(unspecified, mapped);
        Assert.Equal(count, mapped.Distinct().Count());
    }

    [Fact]
    public void InProgress_CountsAwaitingFenceAndRestarting()
    {
        var failovers = new[]
        {
            Failover("hv-1-1", phase: FailoverPhase.AwaitingFence),
            Failover("hv-1-2", phase: FailoverPhase.Restarting),
            Failover("hv-1-3", phase: FailoverPhase.Completed, completed: Declared),
            Failover("hv-2-1", phase: FailoverPhase.Withdrawn, completed: Declared),
        };

        Assert.Equal(2, ClusterApi.InProgress(failovers));
        Assert.Equal(0, ClusterApi.InProgress([]));
    }

    [Theory]
    [InlineData("failovers/hv-2-1")]
    [InlineData("hv-2-1")]
    public void ParseFailoverName_ResourceNameOrBareId_TheId(string name)
    {
        Assert.Equal("hv-2-1", ApiMapper.ParseFailoverName(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("failovers/")]
    [InlineData("hosts/hv-2-1")]
    [InlineData("hv-2-1\n")]
    [InlineData("hv 2")]
    public void ParseFailoverName_Invalid_InvalidSpecNamingName(string name)
    {
        Assert.Equal("name", Assert.Throws<InvalidSpecException>(() => ApiMapper.ParseFailoverName(name)).Field);
    }

    [Fact]
    public void ParseFailoverName_TooLong_InvalidSpec()
    {
        Assert.Throws<InvalidSpecException>(() => ApiMapper.ParseFailoverName(new string('a', ApiMapper.MaxFailoverIdLength + 1)));
    }

    [Fact]
    public void Find_KnownId_ThatFailover()
    {
        var failovers = new[] { Failover("hv-1-1", "hv-1"), Failover("hv-2-2") };

        Assert.Equal("hv-2-2", FailoverApi.Find(failovers, "hv-2-2").Id);
    }

    [Fact]
    public void Find_UnknownId_FailoverNotFoundNamingIt()
    {
        var error = Assert.Throws<FailoverNotFoundException>(() => FailoverApi.Find([Failover()], "hv-9-9"));

        Assert.Equal("hv-9-9", error.FailoverId);
        Assert.Equal("failover hv-9-9 not found", error.Message);
    }

    [Fact]
    public void Page_NoFilter_NewestFirst()
    {
        var failovers = new[]
        {
            Failover("hv-1-1", "hv-1", declared: Declared),
            Failover("hv-2-2", "hv-2", declared: Declared.AddMinutes(5)),
            Failover("hv-1-3", "hv-1", declared: Declared.AddMinutes(2)),
        };

        var (page, next) = FailoverApi.Page(failovers, null, "", 0);

        Assert.Equal(["hv-2-2", "hv-1-3", "hv-1-1"], page.Select(f => f.Id));
        Assert.Equal("", next);
    }

    [Fact]
    public void Page_HostFilter_OnlyThatHostsFailovers()
    {
        var failovers = new[]
        {
            Failover("hv-1-1", "hv-1", declared: Declared),
            Failover("hv-2-2", "hv-2", declared: Declared.AddMinutes(5)),
            Failover("hv-1-3", "hv-1", declared: Declared.AddMinutes(2)),
        };

        var (page, _) = FailoverApi.Page(failovers, new HostId("hv-1"), "", 0);

        Assert.Equal(["hv-1-3", "hv-1-1"], page.Select(f => f.Id));
    }

    [Fact]
    public void Page_NewFailoverBetweenPages_NextPageNeitherRepeatsNorSkips()
    {
        var failovers = Enumerable.Range(1, 5).Select(i => Failover($"hv-{i}-{i}", $"hv-{i}", declared: Declared.AddMinutes(i))).ToList();

        var (first, token) = FailoverApi.Page(failovers, null, "", 2);
        failovers.Add(Failover("hv-9-6", "hv-9", declared: Declared.AddMinutes(9)));
        var (second, token2) = FailoverApi.Page(failovers, null, token, 2);
        var (third, last) = FailoverApi.Page(failovers, null, token2, 2);

        Assert.Equal(["hv-5-5", "hv-4-4"], first.Select(f => f.Id));
        Assert.Equal(["hv-3-3", "hv-2-2"], second.Select(f => f.Id));
        Assert.Equal(["hv-1-1"], third.Select(f => f.Id));
        Assert.Equal("", last);
    }
}
