using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using HostGrid.Testing;

namespace HostGrid.IntegrationTests;

[Trait("Category", "Integration")]
public sealed class VmLifecycleTests : IClassFixture<ThreeAgentClusterFixture>
{
    private readonly LocalCluster _cluster;

    public VmLifecycleTests(ThreeAgentClusterFixture fixture) => _cluster = fixture.Cluster;

    [Fact]
    public async Task Grpc_CreateListStopStartDelete_StateFollowsEachCommand()
    {
        var vms = _cluster.Vms;
        var created = await vms.CreateVmAsync(Requests.Create("grpc-1", vcpus: 2, memoryMib: 2048));
        Assert.Equal(VmState.Running, created.State);
        Assert.Equal("vms/grpc-1", created.Name);
        Assert.NotEmpty(created.HostId);
        Assert.True(created.Epoch > 0);

        var listed = await vms.ListVmsAsync(new ListVmsRequest { HostId = created.HostId });
        Assert.Contains(listed.Vms, v => v.VmId == "grpc-1" && v.State == VmState.Running);
        var host = await _cluster.Hosts.GetHostAsync(new GetHostRequest { Name = "hosts/" + created.HostId });
        Assert.Contains("grpc-1", host.VmIds);

        var stopped = await vms.StopVmAsync(new StopVmRequest { Name = "vms/grpc-1" });
        Assert.Equal(VmState.Stopped, stopped.State);
        Assert.Contains((await vms.ListVmsAsync(new ListVmsRequest { State = VmState.Stopped })).Vms, v => v.VmId == "grpc-1");

        var started = await vms.StartVmAsync(new StartVmRequest { Name = "grpc-1" });
        Assert.Equal(VmState.Running, started.State);
        Assert.True(started.Epoch > created.Epoch);

        await vms.DeleteVmAsync(new DeleteVmRequest { Name = "grpc-1" });
        var error = await Assert.ThrowsAsync<RpcException>(async () => await vms.GetVmAsync(new GetVmRequest { Name = "grpc-1" }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        host = await _cluster.Hosts.GetHostAsync(new GetHostRequest { Name = created.HostId });
        Assert.DoesNotContain("grpc-1", host.VmIds);

        // The same id again, on the same host: the new guest's epoch must be newer than anything its agent saw.
        var again = await vms.CreateVmAsync(new CreateVmRequest(Requests.Create("grpc-1", vcpus: 2, memoryMib: 2048)) { TargetHostId = created.HostId });
        Assert.Equal(VmState.Running, again.State);
        Assert.True(again.Epoch > started.Epoch);
        await vms.DeleteVmAsync(new DeleteVmRequest { Name = "grpc-1" });

        var events = (await EventLogReader.ReadAsync(_cluster.ClusterId)).Where(e => e.Subject == "vms/grpc-1").Select(e => e.Kind);
        Assert.Equal(["vm.created", "vm.stopped", "vm.started", "vm.deleted", "vm.created", "vm.deleted"], events);
    }

    [Fact]
    public async Task Cli_CreateListStopDelete_WorksAgainstTheGateway()
    {
        var create = await _cluster.RunCliAsync("--json", "vms", "create", "cli-1", "--cpus", "2", "--memory", "1024", "--label", "tier=web");
        Assert.True(create.ExitCode == 0, create.ToString());
        using (var vm = JsonDocument.Parse(create.Stdout))
        {
            Assert.Equal("VM_STATE_RUNNING", vm.RootElement.GetProperty("state").GetString());
        }

        var list = await _cluster.RunCliAsync("--json", "vms", "list", "--label", "tier=web");
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var vms = JsonDocument.Parse(list.Stdout))
        {
            Assert.Contains(vms.RootElement.EnumerateArray(), v => v.GetProperty("vmId").GetString() == "cli-1");
        }

        var table = await _cluster.RunCliAsync("vms", "list");
        Assert.Contains("cli-1", table.Stdout, StringComparison.Ordinal);

        var stop = await _cluster.RunCliAsync("--json", "vms", "stop", "cli-1");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains("VM_STATE_STOPPED", stop.Stdout, StringComparison.Ordinal);

        var delete = await _cluster.RunCliAsync("vms", "delete", "cli-1");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        var get = await _cluster.RunCliAsync("vms", "get", "cli-1");
        Assert.Equal(3, get.ExitCode);
        Assert.Contains("NotFound", get.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_HostsAndCluster_ShowEveryHostUp()
    {
        var hosts = await _cluster.RunCliAsync("--json", "hosts", "list");
        Assert.True(hosts.ExitCode == 0, hosts.ToString());
        using var doc = JsonDocument.Parse(hosts.Stdout);
        Assert.Equal(3, doc.RootElement.GetArrayLength());
        Assert.All(doc.RootElement.EnumerateArray(), h => Assert.Equal("HOST_STATUS_UP", h.GetProperty("status").GetString()));

        var cluster = await _cluster.RunCliAsync("cluster");
        Assert.True(cluster.ExitCode == 0, cluster.ToString());
        foreach (var spec in ThreeAgentClusterFixture.Specs)
        {
            Assert.Contains(spec.HostId, cluster.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetCluster_ReportsCapacityOfEveryHost()
    {
        var cluster = await _cluster.ClusterApi.GetClusterAsync(new GetClusterRequest());

        Assert.Equal(3, cluster.Hosts.Count);
        Assert.Equal(ThreeAgentClusterFixture.Specs.Sum(s => s.Vcpus), cluster.Capacity.Vcpus);
        Assert.Equal(ThreeAgentClusterFixture.Specs.Sum(s => s.MemoryMib), cluster.Capacity.MemoryMib);
        Assert.All(cluster.Hosts, h => Assert.InRange(h.HeartbeatAgeSeconds, 0, 3));
    }

    [Fact]
    public async Task Gateway_HealthService_Serving()
    {
        var health = new Health.HealthClient(_cluster.Channel);

        var response = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
