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

        // Records are what this test guarantees. Whether every guest runs again after a full restart is left to the
        // failover machinery and is not asserted here yet: a graceful stop of every agent races with the coordinator
        // declaring the first-stopped hosts Down (see the closing note of the first session).
        Assert.Equal(VmState.Stopped, records["keep-0"].DesiredState);
    }
}
