using Grpc.Core;
using HostGrid.Contracts.Operations;
using HostGrid.Gateway.Api;
using HostGrid.Gateway.Tests.Fakes;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Tests.Api;

public sealed class MaintenanceApiTests
{
    private readonly FakeGrainFactory _grains = new();

    public static HostSnapshot Host(string id) => new(
        new HostId(id), HostStatus.Up, new ResourceAmounts(16, 65536, 1000), ResourceAmounts.Zero, HostLoad.Idle,
        new Dictionary<string, string>(), Operations.Created, [], Operations.Created);

    private (HostApi Api, FakeMaintenanceGrain Maintenance) Api(string id = "hv-1", bool known = true)
    {
        var host = new FakeHostGrain(new HostId(id), known ? Host(id) : null);
        var maintenance = new FakeMaintenanceGrain(host, Operations.Drain("drain-1", id, OperationState.Running, "op-7"));
        _grains.Add<IHostGrain>(id, host).Add<IMaintenanceGrain>(id, maintenance);
        return (new HostApi(new ClusterReader(_grains)), maintenance);
    }

    [Fact]
    public async Task SetHostMaintenance_Enter_DrainAndTheHostInMaintenance()
    {
        var (api, maintenance) = Api();

        var response = await CallThroughInterceptor.RunAsync(
            new Proto.SetHostMaintenanceRequest { Name = "hosts/hv-1", Action = Proto.MaintenanceAction.Enter }, api.SetHostMaintenance);

        Assert.Equal(["enter"], maintenance.Calls);
        Assert.Equal(("hv-1", true), (response.Host.HostId, response.Host.Maintenance));
        Assert.Equal(("operations/drain-1", Proto.OperationKind.Drain, "hv-1"), (response.Drain.Name, response.Drain.Kind, response.Drain.SourceHostId));
        Assert.Equal(["operations/op-7"], response.Drain.Drain.Migrations);
    }

    [Fact]
    public async Task SetHostMaintenance_Exit_HostOutOfMaintenanceNoDrain()
    {
        var (api, maintenance) = Api();

        var response = await CallThroughInterceptor.RunAsync(
            new Proto.SetHostMaintenanceRequest { Name = "hv-1", Action = Proto.MaintenanceAction.Exit }, api.SetHostMaintenance);

        Assert.Equal(["exit"], maintenance.Calls);
        Assert.False(response.Host.Maintenance);
        Assert.Null(response.Drain);
    }

    [Fact]
    public async Task SetHostMaintenance_UnknownHost_NotFoundAndNothingDrained()
    {
        var (api, maintenance) = Api("hv-9", known: false);

        var status = await CallThroughInterceptor.StatusOfAsync(
            new Proto.SetHostMaintenanceRequest { Name = "hv-9", Action = Proto.MaintenanceAction.Enter }, api.SetHostMaintenance);

        Assert.Equal((StatusCode.NotFound, "host hv-9 not found"), (status.StatusCode, status.Detail));
        Assert.Empty(maintenance.Calls);
    }

    [Theory]
    [InlineData("", Proto.MaintenanceAction.Enter, "name")]
    [InlineData("hosts/hv 1", Proto.MaintenanceAction.Enter, "name")]
    [InlineData("hv-1", Proto.MaintenanceAction.Unspecified, "action")]
    public async Task SetHostMaintenance_BadRequest_InvalidArgumentNamingTheFieldAndNothingDone(string name, Proto.MaintenanceAction action, string field)
    {
        var (api, maintenance) = Api();

        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.SetHostMaintenanceRequest { Name = name, Action = action }, api.SetHostMaintenance);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith($"{field}: ", status.Detail, StringComparison.Ordinal);
        Assert.Empty(maintenance.Calls);
    }
}
