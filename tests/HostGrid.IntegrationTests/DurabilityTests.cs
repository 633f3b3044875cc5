using HostGrid.Testing;

namespace HostGrid.IntegrationTests;

[Trait("Category", "Integration")]
public sealed class DurabilityTests
{
    [Fact]
    public async Task RestartEveryProcess_EveryVmRecordSurvives()
    {
        await using var cluster = new LocalCluster(ThreeAgentClusterFixture.Specs);
        await cluster.StartAsync();
        var created = new List<Vm>();
        for (var i = 0; i < 10; i++)
        {
            created.Add(await cluster.Vms.CreateVmAsync(Requests.Create($"keep-{i}", memoryMib: 1024)));
        }

        await cluster.Vms.StopVmAsync(new StopVmRequest { Name = "keep-0" });

        await cluster.StopAllAsync();
        await cluster.StartAsync();

        var records = (await cluster.Vms.ListVmsAsync(new ListVmsRequest())).Vms.ToDictionary(v => v.VmId);
        Assert.Equal(created.Select(v => v.VmId).Order(StringComparer.Ordinal), records.Keys.Order(StringComparer.Ordinal));
        foreach (var vm in created)
        {
            Assert.Equal(vm.Resources, records[vm.VmId].Resources);
        }

        // The guests died with their agents: each host's new agent is a new incarnation, so the cluster fails its
        // guests over and, once the hosts rejoin, every guest that should run runs again.
        var settled = await Eventually.Async(
            async () => (await cluster.Vms.ListVmsAsync(new ListVmsRequest())).Vms,
            vms => vms.Where(v => v.VmId != "keep-0").All(v => v.State == VmState.Running),
            TimeSpan.FromSeconds(60),
            "every guest that should run to run again after the restart");
        Assert.Equal(VmState.Stopped, settled.Single(v => v.VmId == "keep-0").State);
        Assert.All(settled.Where(v => v.VmId != "keep-0"), v => Assert.True(v.Epoch > 1, $"{v.VmId} restarted at a new epoch"));
        var hosts = await cluster.Hosts.ListHostsAsync(new ListHostsRequest());
        Assert.Equal(10 * 1024, hosts.Hosts.Sum(h => h.Allocated.MemoryMib));
    }
}
