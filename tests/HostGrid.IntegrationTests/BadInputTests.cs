using Grpc.Core;
using HostGrid.Testing;

namespace HostGrid.IntegrationTests;

/// <summary>Every bad request gets a clear status naming the field, and changes nothing.</summary>
[Trait("Category", "Integration")]
public sealed class BadInputTests : IClassFixture<ThreeAgentClusterFixture>
{
    private readonly LocalCluster _cluster;

    public BadInputTests(ThreeAgentClusterFixture fixture) => _cluster = fixture.Cluster;

    public static TheoryData<string, CreateVmRequest, StatusCode, string> BadCreates => new()
    {
        { "empty name", Requests.Create(""), StatusCode.InvalidArgument, "vm_id" },
        { "64-character name", Requests.Create(new string('a', 64)), StatusCode.InvalidArgument, "vm_id" },
        { "upper case", Requests.Create("Web-1"), StatusCode.InvalidArgument, "vm_id" },
        { "underscore", Requests.Create("web_1"), StatusCode.InvalidArgument, "vm_id" },
        { "slash", Requests.Create("web/1"), StatusCode.InvalidArgument, "vm_id" },
        { "trailing dash", Requests.Create("web-"), StatusCode.InvalidArgument, "vm_id" },
        { "control character", Requests.Create("web\n1"), StatusCode.InvalidArgument, "vm_id" },
        { "zero vcpus", Requests.Create("zero-cpu", vcpus: 0), StatusCode.InvalidArgument, "resources.vcpus" },
        { "negative vcpus", Requests.Create("neg-cpu", vcpus: -2), StatusCode.InvalidArgument, "resources.vcpus" },
        { "zero memory", Requests.Create("zero-mem", memoryMib: 0), StatusCode.InvalidArgument, "resources.memory_mib" },
        { "negative memory", Requests.Create("neg-mem", memoryMib: -512), StatusCode.InvalidArgument, "resources.memory_mib" },
        { "zero disk", Requests.Create("zero-disk", diskGib: 0), StatusCode.InvalidArgument, "resources.disk_gib" },
        { "more vcpus than any host", Requests.Create("huge-cpu", vcpus: 64), StatusCode.InvalidArgument, "resources.vcpus" },
        { "more memory than any host", Requests.Create("huge-mem", memoryMib: 1 << 20), StatusCode.InvalidArgument, "resources.memory_mib" },
        { "no resources", new CreateVmRequest { VmId = "no-res" }, StatusCode.InvalidArgument, "resources" },
        { "bad anti-affinity group", WithGroup(Requests.Create("bad-group"), "Bad Group"), StatusCode.InvalidArgument, "anti_affinity_group" },
        { "unknown target host", WithTarget(Requests.Create("no-target"), "hv-99"), StatusCode.ResourceExhausted, "hv-99" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task CreateVm_BadRequest_ClearStatusAndNothingChanges(string why, CreateVmRequest request, StatusCode expected, string mentioned)
    {
        var before = await _cluster.ClusterApi.GetClusterAsync(new GetClusterRequest());

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _cluster.Vms.CreateVmAsync(request));

        Assert.True(error.StatusCode == expected, $"{why}: got {error.StatusCode} {error.Status.Detail}");
        Assert.Contains(mentioned, error.Status.Detail, StringComparison.Ordinal);
        var after = await _cluster.ClusterApi.GetClusterAsync(new GetClusterRequest());
        Assert.Equal(before.VmCount, after.VmCount);
        Assert.Equal(before.Allocated, after.Allocated);
    }

    [Fact]
    public async Task UnknownVm_EveryCommand_NotFound()
    {
        var vms = _cluster.Vms;
        var calls = new Func<Task>[]
        {
            async () => await vms.GetVmAsync(new GetVmRequest { Name = "vms/nobody" }),
            async () => await vms.StartVmAsync(new StartVmRequest { Name = "nobody" }),
            async () => await vms.StopVmAsync(new StopVmRequest { Name = "nobody" }),
            async () => await vms.DeleteVmAsync(new DeleteVmRequest { Name = "nobody" }),
        };

        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Contains("nobody", error.Status.Detail, StringComparison.Ordinal);
        }

        var host = await Assert.ThrowsAsync<RpcException>(async () => await _cluster.Hosts.GetHostAsync(new GetHostRequest { Name = "hosts/hv-99" }));
        Assert.Equal(StatusCode.NotFound, host.StatusCode);
    }

    [Fact]
    public async Task CreateVm_DuplicateId_AlreadyExistsAndOriginalUntouched()
    {
        var original = await _cluster.Vms.CreateVmAsync(Requests.Create("dup-1", vcpus: 2));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _cluster.Vms.CreateVmAsync(Requests.Create("dup-1", vcpus: 4)));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        var now = await _cluster.Vms.GetVmAsync(new GetVmRequest { Name = "dup-1" });
        Assert.Equal(2, now.Resources.Vcpus);
        Assert.Equal(original.Epoch, now.Epoch);
        await _cluster.Vms.DeleteVmAsync(new DeleteVmRequest { Name = "dup-1" });
    }

    [Fact]
    public async Task ListVms_BadPaging_InvalidArgumentNamingTheField()
    {
        var size = await Assert.ThrowsAsync<RpcException>(async () => await _cluster.Vms.ListVmsAsync(new ListVmsRequest { PageSize = -1 }));
        var token = await Assert.ThrowsAsync<RpcException>(async () => await _cluster.Vms.ListVmsAsync(new ListVmsRequest { PageToken = "%%%" }));

        Assert.Equal(StatusCode.InvalidArgument, size.StatusCode);
        Assert.Contains("page_size", size.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, token.StatusCode);
        Assert.Contains("page_token", token.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateVm_ClusterFull_ResourceExhaustedNamingTheHosts()
    {
        // Each host can hold at most one of these (8 vCPU hosts take one 8-vCPU guest; hv-1 takes two).
        var created = new List<string>();
        try
        {
            RpcException? error = null;
            for (var i = 0; i < 6 && error is null; i++)
            {
                try
                {
                    await _cluster.Vms.CreateVmAsync(Requests.Create($"fill-{i}", vcpus: 8, memoryMib: 1024));
                    created.Add($"fill-{i}");
                }
                catch (RpcException e)
                {
                    error = e;
                }
            }

            Assert.NotNull(error);
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.Contains("insufficient vCPUs", error.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(4, created.Count);
        }
        finally
        {
            foreach (var id in created)
            {
                await _cluster.Vms.DeleteVmAsync(new DeleteVmRequest { Name = id });
            }
        }
    }

    private static CreateVmRequest WithGroup(CreateVmRequest request, string group)
    {
        request.AntiAffinityGroup = group;
        return request;
    }

    private static CreateVmRequest WithTarget(CreateVmRequest request, string host)
    {
        request.TargetHostId = host;
        return request;
    }
}
