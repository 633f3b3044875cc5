using HostGrid.IntegrationTests.Infrastructure;

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

        var after = (await cluster.Vms.ListVmsAsync(new ListVmsRequest())).Vms.ToDictionary(v => v.VmId);
        Assert.Equal(created.Select(v => v.VmId).Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var vm in created)
        {
            Assert.Equal(vm.HostId, after[vm.VmId].HostId);
            Assert.Equal(vm.Resources, after[vm.VmId].Resources);
        }

        Assert.Equal(VmState.Stopped, after["keep-0"].State);
        var hosts = await cluster.Hosts.ListHostsAsync(new ListHostsRequest());
        Assert.Equal(10 * 1024, hosts.Hosts.Sum(h => h.Allocated.MemoryMib));
    }
}
