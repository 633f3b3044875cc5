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
        Assert.False(request.StartStopped);
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
