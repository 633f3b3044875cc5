using Grpc.Core;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Tests;

public sealed class GatewayCallTests
{
    [Theory]
    [InlineData(StatusCode.OK, ExitCodes.Ok)]
    [InlineData(StatusCode.Unknown, ExitCodes.Error)]
    [InlineData(StatusCode.Internal, ExitCodes.Error)]
    [InlineData(StatusCode.Cancelled, ExitCodes.Error)]
    [InlineData(StatusCode.InvalidArgument, ExitCodes.Usage)]
    [InlineData(StatusCode.NotFound, ExitCodes.NotFound)]
    [InlineData(StatusCode.AlreadyExists, ExitCodes.Conflict)]
    [InlineData(StatusCode.FailedPrecondition, ExitCodes.Conflict)]
    [InlineData(StatusCode.ResourceExhausted, ExitCodes.Exhausted)]
    [InlineData(StatusCode.Unavailable, ExitCodes.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded, ExitCodes.Unavailable)]
    public void FromStatus_MapsEachStatusToItsExitCode(StatusCode status, int expected) =>
        Assert.Equal(expected, ExitCodes.FromStatus(status));

    [Theory]
    [InlineData(StatusCode.NotFound, 3)]
    [InlineData(StatusCode.ResourceExhausted, 5)]
    [InlineData(StatusCode.FailedPrecondition, 4)]
    public async Task ServerError_PrintsStatusAndDetailToStderr(StatusCode status, int exitCode)
    {
        var gateway = new FakeGateway().On<GetVmRequest>("GetVm", r => throw new RpcException(new Status(status, $"vm '{r.Name}' says no")));

        var run = await CliRun.RunAsync(gateway, "vms", "get", "web-9");

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal($"error: {status}: vm 'web-9' says no", run.Error.TrimEnd());
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task NothingListening_ExitsUnavailable()
    {
        var run = await CliRun.RunAsync(null, "--gateway", "http://127.0.0.1:1", "--timeout", "10", "vms", "get", "web-1");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.StartsWith("error: Unavailable: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCall_CarriesTheTimeoutAsDeadline()
    {
        var gateway = new FakeGateway()
            .On<GetHostRequest>("GetHost", _ => Samples.Host())
            .On<ListVmsRequest>("ListVms", _ => new ListVmsResponse { Vms = { Samples.Vm() } });
        var before = DateTime.UtcNow;

        var run = await CliRun.RunAsync(gateway, "--timeout", "7", "hosts", "get", "hv-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(["GetHost", "ListVms"], gateway.Calls.Select(c => c.Method));
        Assert.All(gateway.Calls, call =>
        {
            Assert.NotNull(call.Options.Deadline);
            Assert.InRange(call.Options.Deadline.Value, before.AddSeconds(7), DateTime.UtcNow.AddSeconds(7));
        });
        Assert.Equal("hv-1", gateway.Request<ListVmsRequest>().HostId);
    }

    [Fact]
    public async Task HostsList_FollowsPageTokensToTheEnd()
    {
        var gateway = new FakeGateway().On<ListHostsRequest>("ListHosts", r => r.PageToken switch
        {
            "" => new ListHostsResponse { Hosts = { Samples.Host("hv-1") }, NextPageToken = "p2" },
            "p2" => new ListHostsResponse { Hosts = { Samples.Host("hv-2") }, NextPageToken = "p3" },
            _ => new ListHostsResponse { Hosts = { Samples.Host("hv-3") } },
        });

        var run = await CliRun.RunAsync(gateway, "hosts", "list", "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(["", "p2", "p3"], gateway.Calls.Select(c => ((ListHostsRequest)c.Request).PageToken));
        Assert.All(gateway.Calls, c => Assert.Equal(GatewayConnection.PageSize, ((ListHostsRequest)c.Request).PageSize));
        Assert.Contains("hv-3", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VmsList_FollowsPageTokensToTheEnd()
    {
        var gateway = new FakeGateway().On<ListVmsRequest>("ListVms", r => r.PageToken.Length == 0
            ? new ListVmsResponse { Vms = { Samples.Vm("web-1") }, NextPageToken = "next" }
            : new ListVmsResponse { Vms = { Samples.Vm("web-2") } });

        var run = await CliRun.RunAsync(gateway, "vms", "list");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(2, gateway.Calls.Count);
        Assert.Contains("web-1", run.Output, StringComparison.Ordinal);
        Assert.Contains("web-2", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailoversList_FollowsPageTokensToTheEndInOrder()
    {
        var gateway = new FakeGateway().ServeFailovers(
            [Samples.Failover("hv-3-3", "hv-3"), Samples.Failover("hv-2-2", "hv-2"), Samples.Failover("hv-1-1", "hv-1")], pageSize: 2);

        var run = await CliRun.RunAsync(gateway, "failovers", "list", "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(["", "2"], gateway.Calls.Select(c => ((ListFailoversRequest)c.Request).PageToken));
        Assert.All(gateway.Calls, c => Assert.Equal(GatewayConnection.PageSize, ((ListFailoversRequest)c.Request).PageSize));
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        Assert.Equal(["hv-3-3", "hv-2-2", "hv-1-1"], json.RootElement.EnumerateArray().Select(f => f.GetProperty("failoverId").GetString()));
    }

    [Fact]
    public async Task FailoversGet_UnknownId_NotFoundExitCodeAndMessage()
    {
        var gateway = new FakeGateway().ServeFailovers([Samples.Failover()]);

        var run = await CliRun.RunAsync(gateway, "failovers", "get", "hv-9-9");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("error: NotFound: failover hv-9-9 not found", run.Error.TrimEnd());
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task FailoversGet_SendsTheNameAsGiven()
    {
        var gateway = new FakeGateway().ServeFailovers([Samples.Failover()]);

        var run = await CliRun.RunAsync(gateway, "failovers", "get", "failovers/hv-2-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("failovers/hv-2-1", gateway.Request<GetFailoverRequest>().Name);
    }

    [Theory]
    [InlineData("start", "StartVm")]
    [InlineData("stop", "StopVm")]
    [InlineData("delete", "DeleteVm")]
    [InlineData("get", "GetVm")]
    public async Task VmVerb_CallsItsMethodWithTheName(string verb, string method)
    {
        var gateway = new FakeGateway()
            .On<StartVmRequest>("StartVm", _ => Samples.Vm())
            .On<StopVmRequest>("StopVm", _ => Samples.Vm())
            .On<GetVmRequest>("GetVm", _ => Samples.Vm())
            .On<DeleteVmRequest>("DeleteVm", _ => new DeleteVmResponse());

        var run = await CliRun.RunAsync(gateway, "vms", verb, "web-1");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var call = Assert.Single(gateway.Calls);
        Assert.Equal(method, call.Method);
        Assert.Equal("web-1", call.Request.Descriptor.FindFieldByName("name").Accessor.GetValue(call.Request));
        Assert.Contains("web-1", run.Output, StringComparison.Ordinal);
    }
}
