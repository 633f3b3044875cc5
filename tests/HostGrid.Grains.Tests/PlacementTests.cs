using HostGrid.Contracts.Errors;
using Orleans.Core.Internal;

namespace HostGrid.Grains.Tests;

public sealed class PlacementTests : IClassFixture<SimulatedClusterFixture>, IAsyncLifetime
{
    private readonly SimulatedClusterFixture _cluster;
    private readonly List<string> _created = [];

    public PlacementTests(SimulatedClusterFixture cluster) => _cluster = cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var id in _created)
        {
            await Vm(id).DeleteAsync();
        }
    }

    [Fact]
    public async Task Create_ThirtyGuests_SpreadOverEveryHostAndCapacityAddsUp()
    {
        var created = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => CreateAsync($"spread-{i:D2}", Specs.Small())));

        Assert.All(created, vm => Assert.Equal(VmState.Running, vm.State));
        var perHost = created.GroupBy(vm => vm.Host!.Value.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, perHost.Count);
        Assert.True(perHost["hv-1"] > perHost["hv-2"], $"the larger host takes more guests when spreading: {string.Join(", ", perHost)}");
        foreach (var registration in SimulatedClusterFixture.Hosts)
        {
            var host = await _cluster.HostAsync(registration.HostId.Value);
            var mine = created.Where(vm => vm.Host == registration.HostId).ToList();
            Assert.Equal(mine.Count, host.Reservations.Count(r => r.VmId.Value.StartsWith("spread-", StringComparison.Ordinal)));
            Assert.Equal(new ResourceAmounts(mine.Count, mine.Count * 512L, mine.Count * 10L), host.Allocated);
            var running = await _cluster.DriverOf(registration.HostId).ListAsync(CancellationToken.None);
            Assert.Equal(
                mine.Select(vm => vm.VmId.Value).Order(StringComparer.Ordinal),
                running.Select(g => g.VmId.Value).Where(v => v.StartsWith("spread-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Create_OnAHostWhoseGrainWasJustReactivated_PlacedThere()
    {
        var host = _cluster.Client.GetGrain<IHostGrain>("hv-2");
        Assert.Equal(HostStatus.Up, (await host.GetSnapshotAsync()).Status);
        await host.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // The create meets a fresh activation of hv-2's grain, most likely before the agent's next heartbeat reaches it.
        var vm = await CreateAsync("reactivated-1", Specs.Small(target: "hv-2"));

        Assert.Equal((VmState.Running, "hv-2"), (vm.State, vm.Host?.Value));
    }

    [Fact]
    public async Task Create_NoHostHasRoom_ResourceExhaustedAndNothingChanges()
    {
        await CreateAsync("big-1", Specs.Sized(16, 16384));
        await CreateAsync("big-2", Specs.Sized(8, 16384));
        await CreateAsync("big-3", Specs.Sized(8, 16384));
        var before = await Task.WhenAll(SimulatedClusterFixture.Hosts.Select(h => _cluster.HostAsync(h.HostId.Value)));

        var error = await Assert.ThrowsAsync<InsufficientCapacityException>(() => Vm("big-4").CreateAsync(new CreateVmCommand(Specs.Sized(4, 4096))));

        Assert.Contains("insufficient", error.Message, StringComparison.Ordinal);
        Assert.Contains("hv-1", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<VmNotFoundException>(() => Vm("big-4").GetAsync());
        var after = await Task.WhenAll(SimulatedClusterFixture.Hosts.Select(h => _cluster.HostAsync(h.HostId.Value)));
        Assert.Equal(before.Select(h => h.Allocated), after.Select(h => h.Allocated));
    }

    [Fact]
    public async Task Create_LargerThanEveryHost_InvalidSpecNamingTheField()
    {
        var error = await Assert.ThrowsAsync<InvalidSpecException>(() => Vm("huge").CreateAsync(new CreateVmCommand(Specs.Sized(2, 65536))));

        Assert.Equal("resources.memory_mib", error.Field);
        await Assert.ThrowsAsync<VmNotFoundException>(() => Vm("huge").GetAsync());
    }

    [Fact]
    public async Task Create_AntiAffinityGroup_OneGuestPerHostThenRefused()
    {
        var placed = new[]
        {
            await CreateAsync("db-1", Specs.Small(group: "db")),
            await CreateAsync("db-2", Specs.Small(group: "db")),
            await CreateAsync("db-3", Specs.Small(group: "db")),
        };

        Assert.Equal(3, placed.Select(vm => vm.Host).Distinct().Count());
        var error = await Assert.ThrowsAsync<InsufficientCapacityException>(() => Vm("db-4").CreateAsync(new CreateVmCommand(Specs.Small(group: "db"))));
        Assert.Contains("anti-affinity group 'db'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TargetHostAndRequiredLabels_Honoured()
    {
        var targeted = await CreateAsync("pinned", Specs.Small(target: "hv-2"));
        var labelled = await CreateAsync("on-ssd", Specs.Small(requiredLabels: new() { ["disk"] = "ssd" }));

        Assert.Equal("hv-2", targeted.Host!.Value.Value);
        Assert.Equal("hv-3", labelled.Host!.Value.Value);
        await Assert.ThrowsAsync<InsufficientCapacityException>(() =>
            Vm("nowhere").CreateAsync(new CreateVmCommand(Specs.Small(requiredLabels: new() { ["gpu"] = "a100" }))));
    }

    [Fact]
    public async Task Create_PackPolicy_FillsOneHostFirst()
    {
        var spec = Specs.Small() with { PlacementPolicy = PlacementPolicy.Pack };
        var first = await CreateAsync("pack-1", spec);
        var second = await CreateAsync("pack-2", spec);

        Assert.Equal(first.Host, second.Host);
    }

    [Fact]
    public async Task Create_ExistingId_AlreadyExists()
    {
        await CreateAsync("twice", Specs.Small());

        await Assert.ThrowsAsync<VmAlreadyExistsException>(() => Vm("twice").CreateAsync(new CreateVmCommand(Specs.Small())));
    }

    private IVmGrain Vm(string id) => _cluster.Client.GetGrain<IVmGrain>(id);

    private async Task<VmSnapshot> CreateAsync(string id, VmSpec spec)
    {
        var vm = await Vm(id).CreateAsync(new CreateVmCommand(spec));
        lock (_created)
        {
            _created.Add(id);
        }

        return vm;
    }
}
