using Grpc.Core;
using HostGrid.Contracts.Migration;
using HostGrid.Contracts.Operations;
using HostGrid.Gateway.Api;
using HostGrid.Gateway.Tests.Fakes;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Tests.Api;

public sealed class MigrateVmTests
{
    private readonly FakeGrainFactory _grains = new();

    private (VmApi Api, FakeVmGrain Vm) Api(Func<HostId?, OperationSnapshot> migrate)
    {
        var vm = new FakeVmGrain(migrate);
        _grains.Add<IVmGrain>("web-1", vm);
        return (new VmApi(new ClusterReader(_grains)), vm);
    }

    [Theory]
    [InlineData("hosts/hv-2", "hv-2")]
    [InlineData("hv-2", "hv-2")]
    [InlineData("", null)]
    public async Task MigrateVm_TargetOrNone_PassedToTheGuestAndTheOperationReturned(string target, string? expected)
    {
        var (api, vm) = Api(t => Operations.Migration(target: t?.Value, phase: MigrationPhase.Reserve));

        var operation = await CallThroughInterceptor.RunAsync(new Proto.MigrateVmRequest { Name = "vms/web-1", TargetHostId = target }, api.MigrateVm);

        Assert.Equal([expected is null ? null : new HostId(expected)], vm.MigrateTargets);
        Assert.Equal(("operations/op-1", Proto.OperationState.Running, expected ?? ""), (operation.Name, operation.State, operation.TargetHostId));
    }

    [Theory]
    [InlineData("vms/Web_1", "", "name")]
    [InlineData("", "", "name")]
    [InlineData("web-1", "hv 2", "target_host_id")]
    [InlineData("web-1", "hosts/", "target_host_id")]
    public async Task MigrateVm_BadName_InvalidArgumentNamingTheFieldAndNothingStarted(string name, string target, string field)
    {
        var (api, vm) = Api(_ => Operations.Migration());

        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.MigrateVmRequest { Name = name, TargetHostId = target }, api.MigrateVm);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith($"{field}: ", status.Detail, StringComparison.Ordinal);
        Assert.Empty(vm.MigrateTargets);
    }

    [Fact]
    public async Task MigrateVm_OperationInProgress_FailedPreconditionNamingTheOperation()
    {
        var (api, _) = Api(_ => throw new OperationInProgressException("vm web-1", "op-7"));

        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.MigrateVmRequest { Name = "web-1" }, api.MigrateVm);

        Assert.Equal(StatusCode.FailedPrecondition, status.StatusCode);
        Assert.Contains("op-7", status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("capacity", StatusCode.ResourceExhausted)]
    [InlineData("state", StatusCode.FailedPrecondition)]
    [InlineData("vm", StatusCode.NotFound)]
    [InlineData("host", StatusCode.NotFound)]
    public async Task MigrateVm_GuestRefuses_StatusOfTheDomainError(string error, StatusCode expected)
    {
        var (api, _) = Api(_ => throw (Exception)(error switch
        {
            "capacity" => new InsufficientCapacityException("no host can take vm web-1"),
            "state" => new InvalidStateException("vm web-1 is already on hv-2"),
            "vm" => new VmNotFoundException(new VmId("web-1")),
            _ => new HostNotFoundException(new HostId("hv-9")),
        }));

        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.MigrateVmRequest { Name = "web-1", TargetHostId = "hv-9" }, api.MigrateVm);

        Assert.Equal(expected, status.StatusCode);
    }
}
