using HostGrid.Api.V1;
using HostGrid.Cli.Vms;

namespace HostGrid.Cli.Tests;

public sealed class VmCreateCommandTests
{
    private static FakeGateway Creating() => new FakeGateway().On<CreateVmRequest>("CreateVm", _ => Samples.Vm());

    [Theory]
    [InlineData("steady")]
    [InlineData("diurnal")]
    [InlineData("Bursty")]
    [InlineData("idle")]
    public async Task Create_Profile_SetsTheSimulatedDriversLabelInLowerCase(string profile)
    {
        var gateway = Creating();

        var run = await CliRun.RunAsync(gateway, "vms", "create", "web-1", "--cpus", "2", "--memory", "1024", "--label", "app=web", "--profile", profile);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var labels = gateway.Request<CreateVmRequest>().Labels;
        Assert.Equal(profile.ToLowerInvariant(), labels[VmCreateCommand.ProfileLabel]);
        Assert.Equal("web", labels["app"]);
    }

    [Fact]
    public async Task Create_NoProfileNoPinned_NoLabelAndMigratableAbsent()
    {
        var gateway = Creating();

        await CliRun.RunAsync(gateway, "vms", "create", "web-1", "--cpus", "2", "--memory", "1024");

        var request = gateway.Request<CreateVmRequest>();
        Assert.False(request.Labels.ContainsKey(VmCreateCommand.ProfileLabel));
        Assert.False(request.HasMigratable);
    }

    [Fact]
    public async Task Create_Pinned_MigratableFalse()
    {
        var gateway = Creating();

        await CliRun.RunAsync(gateway, "vms", "create", "web-1", "--cpus", "2", "--memory", "1024", "--pinned");

        var request = gateway.Request<CreateVmRequest>();
        Assert.True(request.HasMigratable);
        Assert.False(request.Migratable);
    }

    [Fact]
    public async Task Create_UnknownProfile_UsageNamingTheOptionAndNothingSent()
    {
        var gateway = Creating();

        var run = await CliRun.RunAsync(gateway, "vms", "create", "web-1", "--cpus", "2", "--memory", "1024", "--profile", "spiky");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("error: --profile: expected one of steady, diurnal, bursty, idle, got 'spiky'", run.Error, StringComparison.Ordinal);
        Assert.Empty(gateway.Calls);
    }

    [Fact]
    public async Task VmsList_PinnedColumn()
    {
        var pinned = Samples.Vm("db-1");
        pinned.Migratable = false;
        var gateway = new FakeGateway().On<ListVmsRequest>("ListVms", _ => new ListVmsResponse { Vms = { Samples.Vm(), pinned } });

        var run = await CliRun.RunAsync(gateway, "vms", "list");

        Assert.Matches(@"EPOCH\s+PINNED\s+LABELS", run.Output);
        Assert.Matches(@"web-1\s+running\s+running\s+hv-1\s+2\s+2048\s+10\s+3\s+no\s+app=web", run.Output);
        Assert.Matches(@"db-1\s+running\s+running\s+hv-1\s+2\s+2048\s+10\s+3\s+yes\s+app=web", run.Output);
    }

    [Fact]
    public async Task VmsGet_Pinned_SaysTheRebalancerLeavesIt()
    {
        var vm = Samples.Vm();
        vm.Migratable = false;
        var gateway = new FakeGateway().On<GetVmRequest>("GetVm", _ => vm);

        var run = await CliRun.RunAsync(gateway, "vms", "get", "web-1");

        Assert.Matches(@"Pinned\s+yes \(the rebalancer leaves it where it is\)", run.Output);
    }
}
