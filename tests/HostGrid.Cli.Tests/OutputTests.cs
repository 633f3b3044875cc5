using System.Text.Json;
using HostGrid.Api.V1;
using HostGrid.Cli.Output;

namespace HostGrid.Cli.Tests;

public sealed class OutputTests
{
    [Fact]
    public async Task VmsGetJson_PrintsTheVmAsProtobufJson()
    {
        var gateway = new FakeGateway().On<GetVmRequest>("GetVm", _ => Samples.Vm());

        var run = await CliRun.RunAsync(gateway, "--json", "vms", "get", "web-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var vm = json.RootElement;
        Assert.Equal("vms/web-1", vm.GetProperty("name").GetString());
        Assert.Equal("web-1", vm.GetProperty("vmId").GetString());
        Assert.Equal("VM_STATE_RUNNING", vm.GetProperty("state").GetString());
        Assert.Equal("hv-1", vm.GetProperty("hostId").GetString());
        Assert.Equal("3", vm.GetProperty("epoch").GetString());
        Assert.Equal("2048", vm.GetProperty("resources").GetProperty("memoryMib").GetString());
        Assert.Equal("web", vm.GetProperty("labels").GetProperty("app").GetString());
        Assert.Equal("2025-01-02T03:04:05Z", vm.GetProperty("createTime").GetString());
        // Default values are printed, so the shape does not depend on the data.
        Assert.Equal("", vm.GetProperty("antiAffinityGroup").GetString());
    }

    [Fact]
    public async Task VmsListJson_PrintsAnArrayOfVms()
    {
        var gateway = new FakeGateway().On<ListVmsRequest>("ListVms", _ => new ListVmsResponse { Vms = { Samples.Vm("a"), Samples.Vm("b") } });

        var run = await CliRun.RunAsync(gateway, "vms", "list", "--json");

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(["a", "b"], json.RootElement.EnumerateArray().Select(v => v.GetProperty("vmId").GetString()));
    }

    [Fact]
    public async Task EmptyListJson_PrintsAnEmptyArray()
    {
        var gateway = new FakeGateway().On<ListHostsRequest>("ListHosts", _ => new ListHostsResponse());

        var run = await CliRun.RunAsync(gateway, "hosts", "list", "--json");

        Assert.Equal("[]", run.Output.Trim());
    }

    [Fact]
    public void HostJson_HasStatusLoadAndHeartbeat()
    {
        using var output = new StringWriter();

        new JsonRenderer(output).WriteHost(Samples.Host(heartbeatAge: -1), []);

        using var json = JsonDocument.Parse(output.ToString());
        var host = json.RootElement;
        Assert.Equal("hv-1", host.GetProperty("hostId").GetString());
        Assert.Equal("HOST_STATUS_UP", host.GetProperty("status").GetString());
        Assert.Equal(0.52, host.GetProperty("load").GetProperty("cpuFraction").GetDouble());
        Assert.Equal(-1, host.GetProperty("heartbeatAgeSeconds").GetDouble());
        Assert.Equal(["web-1"], host.GetProperty("vmIds").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task VmsDeleteJson_PrintsAnEmptyObject()
    {
        var gateway = new FakeGateway().On<DeleteVmRequest>("DeleteVm", _ => new DeleteVmResponse());

        var run = await CliRun.RunAsync(gateway, "vms", "delete", "web-1", "--json");

        Assert.Equal("{}", run.Output.Trim());
    }

    [Fact]
    public async Task HostsList_Table_ShowsEveryColumn()
    {
        var gateway = new FakeGateway().On<ListHostsRequest>("ListHosts", _ => new ListHostsResponse { Hosts = { Samples.Host(), Samples.Host("hv-2", -1) } });

        var run = await CliRun.RunAsync(gateway, "hosts", "list");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (var expected in new[] { "HOST", "HEARTBEAT", "LABELS", "hv-1", "up", "8/32", "16384/65536", "100/2000", "52%/25%", "0.4s ago", "never", "rack=r1,zone=a" })
            Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostsGet_Table_ListsTheVmsOnTheHost()
    {
        var gateway = new FakeGateway()
            .On<GetHostRequest>("GetHost", _ => Samples.Host())
            .On<ListVmsRequest>("ListVms", _ => new ListVmsResponse { Vms = { Samples.Vm("web-1"), Samples.Vm("db-1") } });

        var run = await CliRun.RunAsync(gateway, "hosts", "get", "hosts/hv-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("hosts/hv-1", gateway.Request<GetHostRequest>().Name);
        foreach (var expected in new[] { "hv-1", "VMs: 2", "web-1", "db-1", "running", "█████░░░░░ 52%" })
            Assert.Contains(expected, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_Table_ShowsTotalsStatesAndHostLoadBars()
    {
        var cluster = new Api.V1.Cluster
        {
            Hosts = { Samples.Host() },
            Capacity = new Resources { Vcpus = 32, MemoryMib = 65536, DiskGib = 2000 },
            Allocated = new Resources { Vcpus = 8, MemoryMib = 16384, DiskGib = 100 },
            VmCount = 3,
            VmsByState = { ["VM_STATE_RUNNING"] = 2, ["VM_STATE_PENDING"] = 1, ["VM_STATE_STOPPED"] = 0 },
        };
        var gateway = new FakeGateway().On<GetClusterRequest>("GetCluster", _ => cluster);

        var run = await CliRun.RunAsync(gateway, "cluster");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (var expected in new[] { "memory (MiB)", "65536", "VMs: 3 (pending 1, running 2)", "hv-1", "█████░░░░░ 52%", "███░░░░░░░ 25%", "0.4s ago" })
            Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("stopped", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VmsCreate_Table_ShowsHostStateAndEpoch()
    {
        var gateway = new FakeGateway().On<CreateVmRequest>("CreateVm", _ => Samples.Vm());

        var run = await CliRun.RunAsync(gateway, "vms", "create", "web-1", "--cpus", "2", "--memory", "2048");

        foreach (var expected in new[] { "Host", "hv-1", "State", "running", "Epoch", "3", "2 vcpus, 2048 MiB, 10 GiB" })
            Assert.Contains(expected, run.Output, StringComparison.Ordinal);
    }
}
