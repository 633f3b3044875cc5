using HostGrid.Api.V1;
using HostGrid.Cli.Vms;

namespace HostGrid.Cli.Tests;

public sealed class ArgumentParsingTests
{
    [Theory]
    [InlineData("--cpus", "vms", "create", "web-1", "--memory", "1024")]
    [InlineData("--memory", "vms", "create", "web-1", "--cpus", "2")]
    [InlineData("--cpus", "vms", "create", "web-1", "--cpus", "two", "--memory", "1024")]
    [InlineData("--cpus", "vms", "create", "web-1", "--cpus", "0", "--memory", "1024")]
    [InlineData("--disk", "vms", "create", "web-1", "--cpus", "1", "--memory", "1024", "--disk", "1.5")]
    [InlineData("--label", "vms", "create", "web-1", "--cpus", "1", "--memory", "1024", "--label", "app")]
    [InlineData("--label", "vms", "list", "--label", "=web")]
    [InlineData("--require-label", "vms", "create", "web-1", "--cpus", "1", "--memory", "1024", "--require-label", "zone")]
    [InlineData("--label", "hosts", "list", "--label", "rack")]
    [InlineData("--status", "hosts", "list", "--status", "sideways")]
    [InlineData("--state", "vms", "list", "--state", "asleep")]
    [InlineData("--restart-priority", "vms", "create", "web-1", "--cpus", "1", "--memory", "1024", "--restart-priority", "urgent")]
    [InlineData("--restart-priority", "vms", "create", "web-1", "--cpus", "1", "--memory", "1024", "--restart-priority", "unspecified")]
    [InlineData("--restart-priority", "vms", "create", "web-1", "--cpus", "1", "--memory", "1024", "--restart-priority")]
    [InlineData("--timeout", "--timeout", "0", "cluster")]
    [InlineData("--timeout", "--timeout", "soon", "cluster")]
    [InlineData("--gateway", "--gateway", "not a url", "cluster")]
    [InlineData("--gateway", "--gateway", "ftp://gateway", "cluster")]
    public async Task BadOption_ExitsWithUsageAndNamesTheOption(string option, params string[] args)
    {
        var gateway = new FakeGateway();

        var run = await CliRun.RunAsync(gateway, args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(gateway.Calls);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData]
    [InlineData("vms")]
    [InlineData("hots", "list")]
    [InlineData("vms", "get")]
    [InlineData("vms", "get", "a", "b")]
    [InlineData("failovers", "get")]
    [InlineData("failovers", "list", "extra")]
    public async Task BadCommandLine_ExitsWithUsage(params string[] args)
    {
        var run = await CliRun.RunAsync(new FakeGateway(), args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("See 'hostgrid --help'.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_DocumentsExitCodesAndJsonShapes()
    {
        var run = await CliRun.RunAsync(null, "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("5 RESOURCE_EXHAUSTED", run.Output, StringComparison.Ordinal);
        Assert.Contains("a list as an array", run.Output, StringComparison.Ordinal);
        Assert.Contains("vms", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VmsCreate_AllOptions_SendsThemInTheRequest()
    {
        var gateway = new FakeGateway().On<CreateVmRequest>("CreateVm", _ => Samples.Vm());

        var run = await CliRun.RunAsync(gateway,
            "vms", "create", "web-1", "--cpus", "2", "--memory", "2048", "--disk", "20",
            "--label", "app=web", "--label", "tier=front=end", "--anti-affinity", "web", "--host", "hv-1",
            "--require-label", "zone=a", "--require-label", "ssd=", "--pack", "--stopped");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var request = gateway.Request<CreateVmRequest>();
        Assert.Equal("web-1", request.VmId);
        Assert.Equal(new Resources { Vcpus = 2, MemoryMib = 2048, DiskGib = 20 }, request.Resources);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front=end" }, request.Labels);
        Assert.Equal(new Dictionary<string, string> { ["zone"] = "a", ["ssd"] = "" }, request.RequiredHostLabels);
        Assert.Equal("web", request.AntiAffinityGroup);
        Assert.Equal("hv-1", request.TargetHostId);
        Assert.Equal(PlacementPolicy.Pack, request.PlacementPolicy);
        Assert.True(request.StartStopped);
    }

    [Fact]
    public async Task VmsCreate_OnlyRequiredOptions_UsesDefaults()
    {
        var gateway = new FakeGateway().On<CreateVmRequest>("CreateVm", _ => Samples.Vm());

        var run = await CliRun.RunAsync(gateway, "vms", "create", "web-1", "--cpus", "1", "--memory", "512");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var request = gateway.Request<CreateVmRequest>();
        Assert.Equal(VmCreateCommand.DefaultDiskGib, request.Resources.DiskGib);
        Assert.Empty(request.Labels);
        Assert.Equal("", request.TargetHostId);
        Assert.Equal(PlacementPolicy.Unspecified, request.PlacementPolicy);
        Assert.Equal(RestartPriority.Unspecified, request.RestartPriority);
        Assert.False(request.StartStopped);
    }

    [Theory]
    [InlineData("high", RestartPriority.High)]
    [InlineData("medium", RestartPriority.Medium)]
    [InlineData("low", RestartPriority.Low)]
    [InlineData("disabled", RestartPriority.Disabled)]
    [InlineData("HIGH", RestartPriority.High)]
    public async Task VmsCreate_RestartPriority_SentAsItsEnumValue(string value, RestartPriority expected)
    {
        var gateway = new FakeGateway().On<CreateVmRequest>("CreateVm", _ => Samples.Vm());

        var run = await CliRun.RunAsync(gateway, "vms", "create", "web-1", "--cpus", "1", "--memory", "512", "--restart-priority", value);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(expected, gateway.Request<CreateVmRequest>().RestartPriority);
    }

    [Fact]
    public async Task VmsCreate_BadRestartPriority_ListsTheAcceptedValues()
    {
        var run = await CliRun.RunAsync(new FakeGateway(), "vms", "create", "web-1", "--cpus", "1", "--memory", "512", "--restart-priority", "urgent");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("error: --restart-priority: expected one of high, medium, low, disabled, got 'urgent'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailoversList_Host_IsSentAsHostId()
    {
        var gateway = new FakeGateway().ServeFailovers([Samples.Failover("hv-2-1", "hv-2"), Samples.Failover("hv-3-2", "hv-3")]);

        var run = await CliRun.RunAsync(gateway, "failovers", "list", "--host", "hv-3");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("hv-3", gateway.Request<ListFailoversRequest>().HostId);
        Assert.Contains("hv-3-2", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hv-2-1", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostsList_Filters_AreSentAsStatusAndLabels()
    {
        var gateway = new FakeGateway().On<ListHostsRequest>("ListHosts", _ => new ListHostsResponse());

        var run = await CliRun.RunAsync(gateway, "hosts", "list", "--status", "maintenance", "--label", "rack=r1", "--label", "zone=a");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var request = gateway.Request<ListHostsRequest>();
        Assert.Equal(HostStatus.Maintenance, request.Status);
        Assert.Equal(new Dictionary<string, string> { ["rack"] = "r1", ["zone"] = "a" }, request.Labels);
    }

    [Fact]
    public async Task VmsList_Filters_AreSentAsHostStateAndLabels()
    {
        var gateway = new FakeGateway().On<ListVmsRequest>("ListVms", _ => new ListVmsResponse());

        var run = await CliRun.RunAsync(gateway, "vms", "list", "--host", "hv-2", "--state", "stopped", "--label", "app=db");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var request = gateway.Request<ListVmsRequest>();
        Assert.Equal("hv-2", request.HostId);
        Assert.Equal(VmState.Stopped, request.State);
        Assert.Equal("db", request.Labels["app"]);
    }

    [Fact]
    public void DefaultGateway_ComesFromTheEnvironmentElseLocalhost()
    {
        Assert.Equal("http://10.0.0.5:5080", GlobalOptions.ResolveDefaultGateway(" http://10.0.0.5:5080 "));
        Assert.Equal(GlobalOptions.DefaultGateway, GlobalOptions.ResolveDefaultGateway(null));
        Assert.Equal(GlobalOptions.DefaultGateway, GlobalOptions.ResolveDefaultGateway(""));
    }
}
