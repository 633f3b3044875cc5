using HostGrid.Gateway.Api;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Tests.Api;

public sealed class ApiMapperTests
{
    private static Proto.CreateVmRequest Request(string vmId = "web-1") => new()
    {
        VmId = vmId,
        Resources = new Proto.Resources { Vcpus = 2, MemoryMib = 4096, DiskGib = 20 },
    };

    [Fact]
    public void ToCommand_MinimalRequest_SpreadNoTargetNoGroupStarted()
    {
        var (id, command) = ApiMapper.ToCommand(Request());

        Assert.Equal(new VmId("web-1"), id);
        Assert.Equal(new ResourceAmounts(2, 4096, 20), command.Spec.Resources);
        Assert.Equal(PlacementPolicy.Spread, command.Spec.PlacementPolicy);
        Assert.Null(command.Spec.TargetHost);
        Assert.Null(command.Spec.AntiAffinityGroup);
        Assert.Empty(command.Spec.Labels);
        Assert.Empty(command.Spec.RequiredHostLabels);
        Assert.Equal(RestartPriority.Medium, command.Spec.RestartPriority);
        Assert.False(command.StartStopped);
    }

    [Fact]
    public void ToCommand_EveryField_CopiedIntoTheCommand()
    {
        var request = Request();
        request.Labels.Add("app", "web");
        request.Labels.Add("tier", "front");
        request.RequiredHostLabels.Add("zone", "a");
        request.AntiAffinityGroup = "web";
        request.TargetHostId = "hv-2";
        request.PlacementPolicy = Proto.PlacementPolicy.Pack;
        request.StartStopped = true;
        request.RestartPriority = Proto.RestartPriority.High;

        var (_, command) = ApiMapper.ToCommand(request);

        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }, command.Spec.Labels);
        Assert.Equal(new Dictionary<string, string> { ["zone"] = "a" }, command.Spec.RequiredHostLabels);
        Assert.Equal("web", command.Spec.AntiAffinityGroup);
        Assert.Equal(new HostId("hv-2"), command.Spec.TargetHost);
        Assert.Equal(PlacementPolicy.Pack, command.Spec.PlacementPolicy);
        Assert.Equal(RestartPriority.High, command.Spec.RestartPriority);
        Assert.True(command.StartStopped);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("0b6f9c1e-3f4a-4c2d-9e8b-1a2b3c4d5e6f", "0b6f9c1e-3f4a-4c2d-9e8b-1a2b3c4d5e6f")]
    [InlineData("retry_1", "retry_1")]
    public void ToCommand_RequestId_CopiedOrNone(string requestId, string? expected)
    {
        var request = Request();
        request.RequestId = requestId;

        Assert.Equal(expected, ApiMapper.ToCommand(request).Command.RequestId);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/no")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    public void ToCommand_BadRequestId_InvalidSpecNamingTheField(string requestId)
    {
        var request = Request();
        request.RequestId = requestId;

        var error = Assert.Throws<InvalidSpecException>(() => ApiMapper.ToCommand(request));
        Assert.Equal("request_id", error.Field);
    }

    [Fact]
    public void ToCommand_LabelsChangedAfterwards_CommandKeepsItsCopy()
    {
        var request = Request();
        request.Labels.Add("app", "web");

        var (_, command) = ApiMapper.ToCommand(request);
        request.Labels["app"] = "db";

        Assert.Equal("web", command.Spec.Labels["app"]);
    }

    [Theory]
    [InlineData(Proto.PlacementPolicy.Unspecified, PlacementPolicy.Spread)]
    [InlineData(Proto.PlacementPolicy.Spread, PlacementPolicy.Spread)]
    [InlineData(Proto.PlacementPolicy.Pack, PlacementPolicy.Pack)]
    public void ToCommand_PlacementPolicy_Mapped(Proto.PlacementPolicy policy, PlacementPolicy expected)
    {
        var request = Request();
        request.PlacementPolicy = policy;

        Assert.Equal(expected, ApiMapper.ToCommand(request).Command.Spec.PlacementPolicy);
    }

    [Fact]
    public void ToCommand_UnknownPlacementPolicy_InvalidSpecNamingPlacementPolicy()
    {
        var request = Request();
        request.PlacementPolicy = (Proto.PlacementPolicy)42;

        var error = Assert.Throws<InvalidSpecException>(() => ApiMapper.ToCommand(request));

        Assert.Equal("placement_policy", error.Field);
        Assert.Equal("placement_policy: unknown value 42", error.Message);
    }

    [Theory]
    [InlineData(Proto.RestartPriority.Unspecified, RestartPriority.Medium)]
    [InlineData(Proto.RestartPriority.High, RestartPriority.High)]
    [InlineData(Proto.RestartPriority.Medium, RestartPriority.Medium)]
    [InlineData(Proto.RestartPriority.Low, RestartPriority.Low)]
    [InlineData(Proto.RestartPriority.Disabled, RestartPriority.Disabled)]
    public void ToCommand_RestartPriority_Mapped(Proto.RestartPriority priority, RestartPriority expected)
    {
        var request = Request();
        request.RestartPriority = priority;

        Assert.Equal(expected, ApiMapper.ToCommand(request).Command.Spec.RestartPriority);
    }

    [Fact]
    public void ToCommand_UnknownRestartPriority_InvalidSpecNamingRestartPriority()
    {
        var request = Request();
        request.RestartPriority = (Proto.RestartPriority)42;

        var error = Assert.Throws<InvalidSpecException>(() => ApiMapper.ToCommand(request));

        Assert.Equal("restart_priority", error.Field);
        Assert.Equal("restart_priority: unknown value 42", error.Message);
    }

    [Fact]
    public void ToProtoRestartPriority_EveryDomainValue_ExplicitDistinctAndBack()
    {
        var priorities = Enum.GetValues<RestartPriority>();

        var mapped = priorities.Select(ApiMapper.ToProto).ToList();

        Assert.DoesNotContain(Proto.RestartPriority.Unspecified, mapped);
        Assert.Equal(priorities.Length, mapped.Distinct().Count());
        Assert.Equal(priorities, mapped.Select(p => ApiMapper.FromProto(p, "restart_priority")));
    }

    [Fact]
    public void FromProtoRestartPriority_EveryProtoValue_HasADomainValue()
    {
        foreach (var priority in Enum.GetValues<Proto.RestartPriority>())
        {
            Assert.True(Enum.IsDefined(ApiMapper.FromProto(priority, "restart_priority")));
        }
    }

    [Fact]
    public void ToCommand_MigratableAbsent_NotPinned()
    {
        var (_, command) = ApiMapper.ToCommand(Request());

        Assert.False(command.Spec.Pinned);
        Assert.True(command.Spec.Migratable);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ToCommand_Migratable_PinnedIsItsOpposite(bool migratable, bool pinned)
    {
        var request = Request();
        request.Migratable = migratable;

        var (_, command) = ApiMapper.ToCommand(request);

        Assert.Equal(pinned, command.Spec.Pinned);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void ToProtoVm_Pinned_NotMigratable(bool pinned, bool migratable)
    {
        var spec = new VmSpec(new ResourceAmounts(1, 512, 5), new Dictionary<string, string>(), null, new Dictionary<string, string>(), Pinned: pinned);
        var vm = new VmSnapshot(new VmId("web-1"), spec, VmState.Running, VmState.Running, new HostId("hv-1"), 1, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        Assert.Equal(migratable, ApiMapper.ToProto(vm).Migratable);
    }

    [Fact]
    public void ToCommand_MissingResources_InvalidSpecNamingResources()
    {
        var request = Request();
        request.Resources = null;

        var error = Assert.Throws<InvalidSpecException>(() => ApiMapper.ToCommand(request));

        Assert.Equal("resources", error.Field);
        Assert.Contains("vcpus, memory_mib and disk_gib", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Web-1")]
    [InlineData("web_1")]
    [InlineData("vms/web-1")]
    public void ToCommand_BadVmId_InvalidSpecNamingVmId(string vmId)
    {
        var error = Assert.Throws<InvalidSpecException>(() => ApiMapper.ToCommand(Request(vmId)));

        Assert.Equal("vm_id", error.Field);
    }

    [Fact]
    public void ToCommand_ZeroedResources_InvalidSpecNamingTheResource()
    {
        var request = Request();
        request.Resources = new Proto.Resources { Vcpus = 1, MemoryMib = 0, DiskGib = 1 };

        var error = Assert.Throws<InvalidSpecException>(() => ApiMapper.ToCommand(request));

        Assert.Equal("resources.memory_mib", error.Field);
    }

    [Fact]
    public void ToCommand_BadLabel_InvalidSpecNamingTheLabel()
    {
        var request = Request();
        request.Labels.Add("bad key", "v");

        var error = Assert.Throws<InvalidSpecException>(() => ApiMapper.ToCommand(request));

        Assert.Equal("labels[bad key]", error.Field);
    }

    [Fact]
    public void ToCommand_BadTargetHost_InvalidSpecNamingTargetHostId()
    {
        var request = Request();
        request.TargetHostId = "HV-2";

        Assert.Equal("target_host_id", Assert.Throws<InvalidSpecException>(() => ApiMapper.ToCommand(request)).Field);
    }

    [Theory]
    [InlineData("vms/web-1")]
    [InlineData("web-1")]
    public void ParseVmName_ResourceNameOrBareId_TheId(string name)
    {
        Assert.Equal(new VmId("web-1"), ApiMapper.ParseVmName(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("vms/")]
    [InlineData("hosts/web-1")]
    [InlineData("vms/Web-1")]
    public void ParseVmName_Invalid_InvalidSpecNamingTheField(string name)
    {
        Assert.Equal("name", Assert.Throws<InvalidSpecException>(() => ApiMapper.ParseVmName(name)).Field);
        Assert.Equal("vm", Assert.Throws<InvalidSpecException>(() => ApiMapper.ParseVmName(name, "vm")).Field);
    }

    [Theory]
    [InlineData("hosts/hv-1")]
    [InlineData("hv-1")]
    public void ParseHostName_ResourceNameOrBareId_TheId(string name)
    {
        Assert.Equal(new HostId("hv-1"), ApiMapper.ParseHostName(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("vms/hv-1")]
    public void ParseHostName_Invalid_InvalidSpecNamingTheField(string name)
    {
        Assert.Equal("host_id", Assert.Throws<InvalidSpecException>(() => ApiMapper.ParseHostName(name, "host_id")).Field);
    }

    [Fact]
    public void ToProtoVmState_EveryDomainState_DistinctNonUnspecifiedAndBack()
    {
        var states = Enum.GetValues<VmState>();

        var mapped = states.Select(ApiMapper.ToProto).ToList();

        Assert.DoesNotContain(Proto.VmState.Unspecified, mapped);
        Assert.Equal(states.Length, mapped.Distinct().Count());
        Assert.Equal(states.Cast<VmState?>(), mapped.Select(p => ApiMapper.FromProto(p, "state")));
    }

    [Fact]
    public void ToProtoHostStatus_EveryDomainStatus_DistinctNonUnspecifiedAndBack()
    {
        var statuses = Enum.GetValues<HostStatus>();

        var mapped = statuses.Select(ApiMapper.ToProto).ToList();

        Assert.DoesNotContain(Proto.HostStatus.Unspecified, mapped);
        Assert.Equal(statuses.Length, mapped.Distinct().Count());
        Assert.Equal(statuses.Cast<HostStatus?>(), mapped.Select(p => ApiMapper.FromProto(p, "status")));
    }

    [Fact]
    public void FromProto_EveryProtoValue_HasADomainValue()
    {
        // The reverse direction: no proto value a client can send is left without a meaning.
        foreach (var state in Enum.GetValues<Proto.VmState>().Where(s => s != Proto.VmState.Unspecified))
        {
            Assert.NotNull(ApiMapper.FromProto(state, "state"));
        }

        foreach (var status in Enum.GetValues<Proto.HostStatus>().Where(s => s != Proto.HostStatus.Unspecified))
        {
            Assert.NotNull(ApiMapper.FromProto(status, "status"));
        }
    }

    [Fact]
    public void FromProto_Unspecified_NoFilter()
    {
        Assert.Null(ApiMapper.FromProto(Proto.VmState.Unspecified, "state"));
        Assert.Null(ApiMapper.FromProto(Proto.HostStatus.Unspecified, "status"));
    }

    [Fact]
    public void FromProto_UnknownNumber_InvalidSpecNamingTheField()
    {
        var stateError = Assert.Throws<InvalidSpecException>(() => ApiMapper.FromProto((Proto.VmState)99, "state"));
        var statusError = Assert.Throws<InvalidSpecException>(() => ApiMapper.FromProto((Proto.HostStatus)99, "status"));

        Assert.Equal(("state", "state: unknown state 99"), (stateError.Field, stateError.Message));
        Assert.Equal(("status", "status: unknown status 99"), (statusError.Field, statusError.Message));
    }

    [Fact]
    public void ToProtoVm_Snapshot_NamesFieldsAndTimes()
    {
        var created = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var spec = new VmSpec(
            new ResourceAmounts(2, 4096, 20),
            new Dictionary<string, string> { ["app"] = "web" },
            "web",
            new Dictionary<string, string> { ["zone"] = "a" });
        var vm = new VmSnapshot(new VmId("web-1"), spec, VmState.Running, VmState.Starting, new HostId("hv-1"), 3, null, created, created.AddMinutes(1));

        var message = ApiMapper.ToProto(vm);

        Assert.Equal(("vms/web-1", "web-1", "hv-1", 3L), (message.Name, message.VmId, message.HostId, message.Epoch));
        Assert.Equal((Proto.VmState.Running, Proto.VmState.Starting), (message.DesiredState, message.State));
        Assert.Equal((2, 4096L, 20L), (message.Resources.Vcpus, message.Resources.MemoryMib, message.Resources.DiskGib));
        Assert.Equal("web", message.Labels["app"]);
        Assert.Equal("a", message.RequiredHostLabels["zone"]);
        Assert.Equal("", message.StatusMessage);
        Assert.Equal(created.AddMinutes(1), message.UpdateTime.ToDateTimeOffset());
        Assert.Equal(Proto.RestartPriority.Medium, message.RestartPriority);
    }

    [Theory]
    [InlineData(RestartPriority.High, Proto.RestartPriority.High)]
    [InlineData(RestartPriority.Disabled, Proto.RestartPriority.Disabled)]
    public void ToProtoVm_RestartPriority_Copied(RestartPriority priority, Proto.RestartPriority expected)
    {
        var spec = new VmSpec(new ResourceAmounts(1, 512, 10), new Dictionary<string, string>(), null, new Dictionary<string, string>(), RestartPriority: priority);
        var vm = new VmSnapshot(new VmId("web-1"), spec, VmState.Running, VmState.Running, new HostId("hv-1"), 1, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        Assert.Equal(expected, ApiMapper.ToProto(vm).RestartPriority);
    }

    [Fact]
    public void ToProtoVm_NotPlaced_EmptyHostId()
    {
        var spec = new VmSpec(new ResourceAmounts(1, 512, 10), new Dictionary<string, string>(), null, new Dictionary<string, string>());
        var vm = new VmSnapshot(new VmId("web-1"), spec, VmState.Running, VmState.Pending, null, 0, "waiting for capacity", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var message = ApiMapper.ToProto(vm);

        Assert.Equal(("", "", "waiting for capacity"), (message.HostId, message.AntiAffinityGroup, message.StatusMessage));
    }

    [Fact]
    public void ToProtoHost_Snapshot_HeartbeatAgeAndGuests()
    {
        var asOf = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var host = new HostSnapshot(
            new HostId("hv-1"),
            HostStatus.Suspect,
            new ResourceAmounts(16, 65536, 1000),
            new ResourceAmounts(2, 1024, 20),
            new HostLoad(0.25, 0.5, 1),
            new Dictionary<string, string> { ["zone"] = "a" },
            asOf.AddSeconds(-2.5),
            [new Reservation(new VmId("web-1"), new ResourceAmounts(2, 1024, 20), null)],
            asOf);

        var message = ApiMapper.ToProto(host);

        Assert.Equal(("hosts/hv-1", "hv-1", Proto.HostStatus.Suspect), (message.Name, message.HostId, message.Status));
        Assert.Equal(2.5, message.HeartbeatAgeSeconds, precision: 6);
        Assert.Equal(asOf.AddSeconds(-2.5), message.LastHeartbeatTime.ToDateTimeOffset());
        Assert.Equal(["web-1"], message.VmIds);
        Assert.Equal((16, 2), (message.Capacity.Vcpus, message.Allocated.Vcpus));
        Assert.Equal(1, message.Load.RunningVms);
    }

    [Fact]
    public void ToProtoHost_NeverHeartBeat_AgeMinusOneAndNoTime()
    {
        var host = new HostSnapshot(
            new HostId("hv-1"), HostStatus.Joining, new ResourceAmounts(1, 64, 1), ResourceAmounts.Zero, HostLoad.Idle,
            new Dictionary<string, string>(), null, [], DateTimeOffset.UnixEpoch);

        var message = ApiMapper.ToProto(host);

        Assert.Equal(-1, message.HeartbeatAgeSeconds);
        Assert.Null(message.LastHeartbeatTime);
    }

    [Fact]
    public void HasLabels_SubsetOrNot_TrueOnlyWhenAllMatch()
    {
        var labels = new Dictionary<string, string> { ["app"] = "web", ["zone"] = "a" };

        Assert.True(ApiMapper.HasLabels(labels, new Dictionary<string, string>()));
        Assert.True(ApiMapper.HasLabels(labels, new Dictionary<string, string> { ["zone"] = "a" }));
        Assert.False(ApiMapper.HasLabels(labels, new Dictionary<string, string> { ["zone"] = "b" }));
        Assert.False(ApiMapper.HasLabels(labels, new Dictionary<string, string> { ["rack"] = "1" }));
    }
}
