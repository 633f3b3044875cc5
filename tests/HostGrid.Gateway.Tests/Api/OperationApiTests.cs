using Grpc.Core;
using HostGrid.Contracts.Migration;
using HostGrid.Contracts.Operations;
using HostGrid.Gateway.Api;
using HostGrid.Gateway.Tests.Fakes;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Tests.Api;

public sealed class OperationApiTests
{
    private readonly FakeGrainFactory _grains = new();
    private readonly Dictionary<string, FakeOperationGrain> _operations = [];

    private OperationApi Api(params OperationSnapshot[] operations)
    {
        foreach (var operation in operations)
        {
            Register(operation.OperationId, operation);
        }

        // The index lists newest first: the order given.
        _grains.Add<IOperationIndexGrain>(IOperationIndexGrain.Key, new FakeOperationIndexGrain([.. operations.Select(o => o.OperationId)]));
        return new OperationApi(new ClusterReader(_grains));
    }

    private FakeOperationGrain Register(string id, OperationSnapshot? operation)
    {
        var grain = new FakeOperationGrain(id, operation);
        _operations[id] = grain;
        _grains.Add<IOperationGrain>(id, grain);
        return grain;
    }

    [Theory]
    [InlineData("operations/op-1")]
    [InlineData("op-1")]
    public async Task GetOperation_ResourceNameOrBareId_TheOperation(string name)
    {
        var api = Api(Operations.Migration("op-1"));

        var operation = await CallThroughInterceptor.RunAsync(new Proto.GetOperationRequest { Name = name }, api.GetOperation);

        Assert.Equal(("operations/op-1", Proto.OperationKind.Migrate, "web-1"), (operation.Name, operation.Kind, operation.VmId));
    }

    [Fact]
    public async Task GetOperation_MigrationFinishedInPostCopy_BothDowntimesAndPostCopy()
    {
        var migration = Operations.Migration("op-1", state: OperationState.Succeeded) with
        {
            Downtime = TimeSpan.FromMilliseconds(31.5),
            HypervisorDowntime = TimeSpan.FromMilliseconds(4),
            PostCopy = true,
        };
        var api = Api(migration);

        var operation = await CallThroughInterceptor.RunAsync(new Proto.GetOperationRequest { Name = "operations/op-1" }, api.GetOperation);

        Assert.Equal((31.5, 4.0, true), (operation.Downtime.ToTimeSpan().TotalMilliseconds, operation.HypervisorDowntime.ToTimeSpan().TotalMilliseconds, operation.PostCopy));
    }

    [Fact]
    public async Task GetOperation_UnknownId_NotFoundNamingIt()
    {
        var api = Api();
        Register("op-9", null);

        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.GetOperationRequest { Name = "operations/op-9" }, api.GetOperation);

        Assert.Equal((StatusCode.NotFound, "operation op-9 not found"), (status.StatusCode, status.Detail));
    }

    [Theory]
    [InlineData("")]
    [InlineData("operations/")]
    [InlineData("vms/web-1")]
    [InlineData("op 1")]
    [InlineData("op-1\n")]
    public async Task GetOperation_BadName_InvalidArgumentNamingName(string name)
    {
        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.GetOperationRequest { Name = name }, Api().GetOperation);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith("name: ", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelOperation_Running_CancelRequestedAndAskedOnce()
    {
        var api = Api(Operations.Migration("op-1"));

        var operation = await CallThroughInterceptor.RunAsync(new Proto.CancelOperationRequest { Name = "op-1" }, api.CancelOperation);

        Assert.True(operation.CancelRequested);
        Assert.Equal(Proto.OperationState.Running, operation.State);
        Assert.Equal(1, _operations["op-1"].Cancels);
    }

    [Fact]
    public async Task CancelOperation_Finished_FailedPrecondition()
    {
        var api = Api(Operations.Migration("op-1", state: OperationState.Succeeded));

        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.CancelOperationRequest { Name = "op-1" }, api.CancelOperation);

        Assert.Equal((StatusCode.FailedPrecondition, "operation op-1 has finished (Succeeded)"), (status.StatusCode, status.Detail));
    }

    [Fact]
    public async Task CancelOperation_UnknownId_NotFound()
    {
        var api = Api();
        Register("op-9", null);

        var status = await CallThroughInterceptor.StatusOfAsync(new Proto.CancelOperationRequest { Name = "op-9" }, api.CancelOperation);

        Assert.Equal(StatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public async Task ListOperations_NoFilter_IndexOrderNewestFirst()
    {
        var api = Api(Operations.Migration("op-3"), Operations.Drain("drain-2"), Operations.Migration("op-1"));

        var response = await CallThroughInterceptor.RunAsync(new Proto.ListOperationsRequest(), api.ListOperations);

        Assert.Equal(["op-3", "drain-2", "op-1"], response.Operations.Select(o => o.OperationId));
        Assert.Equal("", response.NextPageToken);
    }

    [Fact]
    public async Task ListOperations_Filters_OnlyMatching()
    {
        var api = Api(
            Operations.Migration("op-4", vm: "db-1", source: "hv-3", target: "hv-1", state: OperationState.Failed),
            Operations.Drain("drain-3", host: "hv-2"),
            Operations.Migration("op-2", vm: "web-1", source: "hv-2", target: "hv-3", state: OperationState.Succeeded),
            Operations.Migration("op-1", vm: "web-1", source: "hv-1", target: "hv-2"));

        async Task<string[]> ListAsync(Proto.ListOperationsRequest request) =>
            [.. (await CallThroughInterceptor.RunAsync(request, api.ListOperations)).Operations.Select(o => o.OperationId)];

        Assert.Equal(["op-4"], await ListAsync(new() { State = Proto.OperationState.Failed }));
        Assert.Equal(["drain-3"], await ListAsync(new() { Kind = Proto.OperationKind.Drain }));
        Assert.Equal(["op-2", "op-1"], await ListAsync(new() { VmId = "vms/web-1" }));
        Assert.Equal(["op-4", "op-1"], await ListAsync(new() { HostId = "hosts/hv-1" }));
        Assert.Equal(["drain-3", "op-2", "op-1"], await ListAsync(new() { HostId = "hv-2" }));
        Assert.Equal(["op-1"], await ListAsync(new() { HostId = "hv-2", Kind = Proto.OperationKind.Migrate, State = Proto.OperationState.Running }));
    }

    [Theory]
    [InlineData("vm_id", "Web_1", null)]
    [InlineData("host_id", null, "hv 1")]
    public async Task ListOperations_BadFilterName_InvalidArgumentNamingTheField(string field, string? vm, string? host)
    {
        var request = new Proto.ListOperationsRequest { VmId = vm ?? "", HostId = host ?? "" };

        var status = await CallThroughInterceptor.StatusOfAsync(request, Api().ListOperations);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith($"{field}: ", status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("state")]
    [InlineData("kind")]
    [InlineData("page_size")]
    [InlineData("page_token")]
    public async Task ListOperations_BadValue_InvalidArgumentNamingTheField(string field)
    {
        var request = field switch
        {
            "state" => new Proto.ListOperationsRequest { State = (Proto.OperationState)42 },
            "kind" => new Proto.ListOperationsRequest { Kind = (Proto.OperationKind)42 },
            "page_size" => new Proto.ListOperationsRequest { PageSize = -1 },
            _ => new Proto.ListOperationsRequest { PageToken = "not base64!" },
        };

        var status = await CallThroughInterceptor.StatusOfAsync(request, Api(Operations.Migration()).ListOperations);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith($"{field}: ", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListOperations_Pages_EachOnceInOrderThenEmptyToken()
    {
        var api = Api([.. Enumerable.Range(1, 5).Reverse().Select(i => Operations.Migration($"op-{i}"))]);
        var seen = new List<string>();
        var token = "";
        for (var pages = 0; pages < 10; pages++)
        {
            var response = await CallThroughInterceptor.RunAsync(new Proto.ListOperationsRequest { PageSize = 2, PageToken = token }, api.ListOperations);
            seen.AddRange(response.Operations.Select(o => o.OperationId));
            token = response.NextPageToken;
            if (token.Length == 0)
            {
                break;
            }
        }

        Assert.Equal(["op-5", "op-4", "op-3", "op-2", "op-1"], seen);
        Assert.Equal("", token);
    }

    [Fact]
    public async Task PageAsync_FirstPage_ReadsOnlyUntilThePageIsFull()
    {
        var ids = Enumerable.Range(0, OperationApi.ReadBatch * 3).Select(i => $"op-{i}").ToList();
        var reads = 0;

        var (page, next) = await OperationApi.PageAsync(ids, id => { reads++; return Task.FromResult<OperationSnapshot?>(Operations.Migration(id)); }, OperationFilter.None, "", 10);

        Assert.Equal(10, page.Count);
        Assert.NotEqual("", next);
        Assert.Equal(OperationApi.ReadBatch, reads);
    }

    [Fact]
    public async Task PageAsync_RecordGoneMeanwhile_Skipped()
    {
        var (page, _) = await OperationApi.PageAsync(
            ["op-3", "op-2", "op-1"],
            id => Task.FromResult(id == "op-2" ? null : Operations.Migration(id)),
            OperationFilter.None, "", 0);

        Assert.Equal(["op-3", "op-1"], page.Select(o => o.OperationId));
    }

    [Fact]
    public async Task PageAsync_TokenForOperationThatLeftTheHistory_InvalidSpecNamingPageToken()
    {
        var error = await Assert.ThrowsAsync<InvalidSpecException>(() => OperationApi.PageAsync(
            ["op-3", "op-2"], id => Task.FromResult<OperationSnapshot?>(Operations.Migration(id)), OperationFilter.None, PageToken.For("op-1"), 1));

        Assert.Equal("page_token", error.Field);
    }

    [Fact]
    public async Task PageAsync_NewOperationBetweenPages_NextPageNeitherRepeatsNorSkips()
    {
        var ids = new List<string> { "op-4", "op-3", "op-2", "op-1" };
        Task<OperationSnapshot?> Read(string id) => Task.FromResult<OperationSnapshot?>(Operations.Migration(id));

        var (first, token) = await OperationApi.PageAsync(ids, Read, OperationFilter.None, "", 2);
        ids.Insert(0, "op-5");
        var (second, last) = await OperationApi.PageAsync(ids, Read, OperationFilter.None, token, 2);

        Assert.Equal(["op-4", "op-3"], first.Select(o => o.OperationId));
        Assert.Equal(["op-2", "op-1"], second.Select(o => o.OperationId));
        Assert.Equal("", last);
    }
}
