using HostGrid.Core.Placement;

namespace HostGrid.Core.Tests.Placement;

public sealed class SchedulerTests
{
    private static HostBuilder Sized(string id, int usedVcpus, long usedMemoryMib) =>
        usedVcpus == 0
            ? HostBuilder.Host(id).WithCapacity(16, 65536, 1000)
            : HostBuilder.Host(id).WithCapacity(16, 65536, 1000).WithGuest($"on-{id}", usedVcpus, usedMemoryMib);

    [Fact]
    public void Place_Spread_CandidatesEmptiestFirst()
    {
        var decision = Scheduler.Default.Place(Specs.Request(
            Specs.Sized(1, 1024),
            Sized("hv-1", 8, 32768),
            Sized("hv-2", 0, 0),
            Sized("hv-3", 12, 49152)));

        Assert.Equal(["hv-2", "hv-1", "hv-3"], decision.Candidates.Select(h => h.Value));
        Assert.Empty(decision.Rejections);
        Assert.True(decision.HasCandidates);
    }

    [Fact]
    public void Place_Pack_CandidatesFullestFirst()
    {
        var decision = Scheduler.Default.Place(Specs.Request(
            Specs.Sized(1, 1024, policy: PlacementPolicy.Pack),
            Sized("hv-1", 8, 32768),
            Sized("hv-2", 0, 0),
            Sized("hv-3", 12, 49152)));

        Assert.Equal(["hv-3", "hv-1", "hv-2"], decision.Candidates.Select(h => h.Value));
    }

    [Theory]
    [InlineData(PlacementPolicy.Spread)]
    [InlineData(PlacementPolicy.Pack)]
    public void Place_EqualScores_OrderedByHostIdOrdinal(PlacementPolicy policy)
    {
        var decision = Scheduler.Default.Place(Specs.Request(
            Specs.Sized(1, 1024, policy: policy),
            Sized("hv-2", 0, 0),
            Sized("hv-10", 0, 0),
            Sized("hv-1", 0, 0)));

        Assert.Equal(["hv-1", "hv-10", "hv-2"], decision.Candidates.Select(h => h.Value));
    }

    [Fact]
    public void Place_SomeHostsRefused_EveryRefusedHostListedWithFilterAndReason()
    {
        var decision = Scheduler.Default.Place(Specs.Request(
            Specs.Sized(2, 4096, requiredLabels: new() { ["zone"] = "a" }),
            HostBuilder.Host("hv-1").WithStatus(HostStatus.Down).WithLabel("zone", "a"),
            HostBuilder.Host("hv-2").WithLabel("zone", "b"),
            HostBuilder.Host("hv-3").WithLabel("zone", "a").WithCapacity(1, 65536, 1000),
            HostBuilder.Host("hv-4").WithLabel("zone", "a")));

        Assert.Equal(["hv-4"], decision.Candidates.Select(h => h.Value));
        Assert.Equal(
            [
                new PlacementRejection(new HostId("hv-1"), "host-status", "host is Down"),
                new PlacementRejection(new HostId("hv-2"), "required-labels", "lacks label zone=a"),
                new PlacementRejection(new HostId("hv-3"), "capacity", "insufficient vCPUs (free 1, wanted 2)"),
            ],
            decision.Rejections);
    }

    [Fact]
    public void Place_HostFailsSeveralFilters_FirstFilterInOrderGivesTheReason()
    {
        // Down and too small: the status filter runs before capacity.
        var decision = Scheduler.Default.Place(Specs.Request(
            Specs.Sized(4, 4096),
            HostBuilder.Host("hv-1").WithStatus(HostStatus.Down).WithCapacity(1, 1024, 10)));

        var rejection = Assert.Single(decision.Rejections);
        Assert.Equal("host-status", rejection.Filter);
    }

    [Fact]
    public void Place_TargetHost_OnlyThatHostIsACandidate()
    {
        var decision = Scheduler.Default.Place(Specs.Request(
            Specs.Sized(target: "hv-2"),
            Sized("hv-1", 0, 0),
            Sized("hv-2", 8, 32768)));

        Assert.Equal(["hv-2"], decision.Candidates.Select(h => h.Value));
        Assert.Equal("not the requested host hv-2", Assert.Single(decision.Rejections).Reason);
    }

    [Fact]
    public void Place_AntiAffinityGroupOnEveryHostButOne_OnlyThatOne()
    {
        var decision = Scheduler.Default.Place(Specs.Request(
            "db-3",
            Specs.Sized(group: "db"),
            HostBuilder.Host("hv-1").WithGuest("db-1", 1, 512, group: "db"),
            HostBuilder.Host("hv-2").WithGuest("db-2", 1, 512, group: "db"),
            HostBuilder.Host("hv-3").WithGuest("web-1", 8, 32768, group: "web")));

        Assert.Equal(["hv-3"], decision.Candidates.Select(h => h.Value));
        Assert.Equal(["hv-1", "hv-2"], decision.Rejections.Select(r => r.HostId.Value));
        Assert.All(decision.Rejections, r => Assert.Equal("anti-affinity", r.Filter));
    }

    [Fact]
    public void Place_NoHostFits_ExplainNamesGuestSizeAndEveryHostsReason()
    {
        var request = Specs.Request(
            Specs.Sized(2, 4096, 20),
            HostBuilder.Host("hv-1").WithStatus(HostStatus.Maintenance),
            HostBuilder.Host("hv-2").WithCapacity(16, 2048, 1000));

        var decision = Scheduler.Default.Place(request);

        Assert.False(decision.HasCandidates);
        Assert.Equal(
            "no host can take vm web-1 (2 vCPU, 4096 MiB, 20 GiB): hv-1: host is Maintenance; hv-2: insufficient memory (free 2048 MiB, wanted 4096 MiB)",
            decision.Explain(request.VmId, request.Spec.Resources));
    }

    [Fact]
    public void Place_NoHosts_ExplainSaysClusterHasNoHosts()
    {
        var request = Specs.Request(Specs.Sized(1, 512, 10));

        var decision = Scheduler.Default.Place(request);

        Assert.Empty(decision.Candidates);
        Assert.Equal(
            "no host can take vm web-1 (1 vCPU, 512 MiB, 10 GiB): the cluster has no hosts",
            decision.Explain(request.VmId, request.Spec.Resources));
    }

    [Fact]
    public void Place_CustomFiltersAndWeigher_UsesThemInsteadOfDefaults()
    {
        var scheduler = new Scheduler(
            [new HostStatusFilter()],
            new Dictionary<PlacementPolicy, IPlacementWeigher> { [PlacementPolicy.Spread] = new PackWeigher() });

        // No capacity filter: the too-small host passes, and "spread" here packs.
        var decision = scheduler.Place(Specs.Request(
            Specs.Sized(4, 4096),
            Sized("hv-1", 0, 0),
            HostBuilder.Host("hv-2").WithCapacity(2, 2048, 10)));

        Assert.Equal(["hv-2", "hv-1"], decision.Candidates.Select(h => h.Value));
    }
}
