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
    public async Task VmsGet_Table_ShowsRestartPriority()
    {
        var vm = Samples.Vm();
        vm.RestartPriority = RestartPriority.Disabled;
        var gateway = new FakeGateway().On<GetVmRequest>("GetVm", _ => vm);

        var run = await CliRun.RunAsync(gateway, "vms", "get", "web-1");

        Assert.Matches(@"Restart priority\s+disabled", run.Output);
    }

    [Fact]
    public async Task VmsGet_Table_UnspecifiedRestartPriorityReadsMedium()
    {
        var gateway = new FakeGateway().On<GetVmRequest>("GetVm", _ => Samples.Vm());

        var run = await CliRun.RunAsync(gateway, "vms", "get", "web-1");

        Assert.Matches(@"Restart priority\s+medium", run.Output);
    }

    [Fact]
    public async Task VmsGetJson_HasRestartPriority()
    {
        var vm = Samples.Vm();
        vm.RestartPriority = RestartPriority.High;
        var gateway = new FakeGateway().On<GetVmRequest>("GetVm", _ => vm);

        var run = await CliRun.RunAsync(gateway, "vms", "get", "web-1", "--json");

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("RESTART_PRIORITY_HIGH", json.RootElement.GetProperty("restartPriority").GetString());
    }

    [Fact]
    public async Task FailoversList_Table_ShowsEveryColumnWithAgesAndDurations()
    {
        var gateway = new FakeGateway().ServeFailovers([Samples.Failover("hv-4-2", "hv-4", completed: false), Samples.Failover("hv-2-1", "hv-2")]);

        var run = await CliRun.RunAtAsync(Samples.Now, gateway, "failovers", "list");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var lines = run.Output.Split('\n');
        var header = Assert.Single(lines, l => l.Contains("FAILOVER", StringComparison.Ordinal));
        Assert.Matches(@"FAILOVER\s+HOST\s+CAUSE\s+PHASE\s+DECLARED\s+FENCE WAIT\s+DURATION\s+RESTARTED\s+PENDING\s+SKIPPED", header);
        var running = Assert.Single(lines, l => l.Contains("hv-4-2", StringComparison.Ordinal));
        Assert.Matches(@"hv-4-2\s+hv-4\s+missed-heartbeats\s+awaiting-fence\s+2m00s ago\s+3\.5s\s+running\s+0\s+0\s+0", running);
        var done = Assert.Single(lines, l => l.Contains("hv-2-1", StringComparison.Ordinal));
        Assert.Matches(@"hv-2-1\s+hv-2\s+missed-heartbeats\s+completed\s+2m00s ago\s+3\.5s\s+5\.3s\s+2\s+1\s+1", done);
        Assert.True(run.Output.IndexOf("hv-4-2", StringComparison.Ordinal) < run.Output.IndexOf("hv-2-1", StringComparison.Ordinal), "gateway order (newest first) kept");
        Assert.DoesNotContain("\u001b[", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailoversGet_Table_ShowsDetailsAndEveryOutcome()
    {
        var gateway = new FakeGateway().ServeFailovers([Samples.Failover()]);

        var run = await CliRun.RunAtAsync(Samples.Now, gateway, "failovers", "get", "hv-2-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Matches(@"Cause\s+missed-heartbeats", run.Output);
        Assert.Matches(@"Phase\s+completed", run.Output);
        Assert.Matches(@"Declared\s+2025-03-01 10:00:00Z \(2m00s ago\)", run.Output);
        Assert.Matches(@"Fence\s+2025-03-01 10:00:03Z \(wait 3\.5s\)", run.Output);
        Assert.Matches(@"Completed\s+2025-03-01 10:00:05Z \(took 5\.3s\)", run.Output);
        Assert.Matches(@"VMs\s+restarted 2, pending 1, skipped 1", run.Output);
        Assert.Contains("Outcomes: 4", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"VM\s+RESULT\s+NEW HOST\s+EPOCH\s+REASON", run.Output);
        Assert.Matches(@"api-1\s+restarted\s+hv-1\s+4\s+-", run.Output);
        Assert.Matches(@"batch-1\s+skipped\s+hv-2\s+1\s+restart priority disabled", run.Output);
        Assert.Matches(@"db-1\s+pending\s+-\s+3\s+no host has 65536 MiB free", run.Output);
    }

    [Fact]
    public async Task FailoversGet_Running_NoCompletionAndNoOutcomesTable()
    {
        var gateway = new FakeGateway().ServeFailovers([Samples.Failover(completed: false)]);

        var run = await CliRun.RunAtAsync(Samples.Now, gateway, "failovers", "get", "hv-2-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Matches(@"Phase\s+awaiting-fence", run.Output);
        Assert.Matches(@"Completed\s+running", run.Output);
        Assert.Contains("Outcomes: 0", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("NEW HOST", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailoversGetJson_PrintsTheFailoverAsProtobufJson()
    {
        var gateway = new FakeGateway().ServeFailovers([Samples.Failover()]);

        var run = await CliRun.RunAsync(gateway, "failovers", "get", "hv-2-1", "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var failover = json.RootElement;
        Assert.Equal("failovers/hv-2-1", failover.GetProperty("name").GetString());
        Assert.Equal("FAILURE_CAUSE_MISSED_HEARTBEATS", failover.GetProperty("cause").GetString());
        Assert.Equal("FAILOVER_PHASE_COMPLETED", failover.GetProperty("phase").GetString());
        Assert.Equal("2025-03-01T10:00:03.500Z", failover.GetProperty("fenceTime").GetString());
        Assert.Equal(2, failover.GetProperty("restartedCount").GetInt32());
        var outcomes = failover.GetProperty("outcomes").EnumerateArray().ToList();
        Assert.Equal(4, outcomes.Count);
        Assert.Equal("VM_FAILOVER_RESULT_PENDING", outcomes[2].GetProperty("result").GetString());
        Assert.Equal("", outcomes[2].GetProperty("newHostId").GetString());
        Assert.Equal("3", outcomes[2].GetProperty("epoch").GetString());
    }

    [Fact]
    public async Task FailoversListJson_RunningFailover_NoCompletedTimeButEveryOtherField()
    {
        var gateway = new FakeGateway().ServeFailovers([Samples.Failover(completed: false)]);

        var run = await CliRun.RunAsync(gateway, "failovers", "list", "--json");

        using var json = JsonDocument.Parse(run.Output);
        var failover = Assert.Single(json.RootElement.EnumerateArray().ToList());
        Assert.False(failover.TryGetProperty("completedTime", out _));
        Assert.Equal(0, failover.GetProperty("pendingCount").GetInt32());
        Assert.Empty(failover.GetProperty("outcomes").EnumerateArray());
    }

    [Fact]
    public async Task FailoversList_NoFailovers_EmptyTableAndEmptyJsonArray()
    {
        var gateway = new FakeGateway().ServeFailovers([]);

        var table = await CliRun.RunAsync(gateway, "failovers", "list");
        var json = await CliRun.RunAsync(gateway, "failovers", "list", "--json");

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (table.ExitCode, json.ExitCode));
        Assert.Contains("FAILOVER", table.Output, StringComparison.Ordinal);
        Assert.Equal("[]", json.Output.Trim());
    }

    [Fact]
    public async Task Cluster_FailoversInProgress_Shown()
    {
        var gateway = new FakeGateway().On<GetClusterRequest>("GetCluster", _ => new Api.V1.Cluster { FailoversInProgress = 2 });

        var run = await CliRun.RunAsync(gateway, "cluster");

        Assert.Contains("Failovers in progress: 2", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(-1, "Failovers in progress: unknown")]
    public async Task Cluster_NoOrUnknownFailovers_SaidOnlyWhenUnknown(int inProgress, string? expected)
    {
        var gateway = new FakeGateway().On<GetClusterRequest>("GetCluster", _ => new Api.V1.Cluster { FailoversInProgress = inProgress });

        var run = await CliRun.RunAsync(gateway, "cluster");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        if (expected is null)
            Assert.DoesNotContain("Failovers", run.Output, StringComparison.Ordinal);
        else
            Assert.Contains(expected, run.Output, StringComparison.Ordinal);
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
