using HostGrid.Contracts.Migration;
using HostGrid.Contracts.Operations;
using HostGrid.Gateway.Api;
using HostGrid.Gateway.Tests.Fakes;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Tests.Api;

public sealed class OperationMappingTests
{
    [Fact]
    public void ToProto_FinishedMigration_EveryFigureTimesAndDowntime()
    {
        var progress = new MigrationProgress(MigrationPhase.Done, 3, 1_500_000_000, 4096, 1L << 30, 9.5e8, 20);
        var snapshot = Operations.Migration(state: OperationState.Succeeded, phase: MigrationPhase.Done, progress: progress) with
        {
            Downtime = TimeSpan.FromMilliseconds(12.5),
            Message = "moved to hv-2",
            CompletedAt = Operations.Created.AddSeconds(4.25),
        };

        var message = ApiMapper.ToProto(snapshot);

        Assert.Equal(("operations/op-1", "op-1"), (message.Name, message.OperationId));
        Assert.Equal((Proto.OperationKind.Migrate, Proto.OperationState.Succeeded, Proto.MigrationPhase.Done), (message.Kind, message.State, message.Phase));
        Assert.Equal(("web-1", "hv-1", "hv-2"), (message.VmId, message.SourceHostId, message.TargetHostId));
        Assert.Equal((3, 1_500_000_000L, 4096L, 1L << 30), (message.Round, message.BytesSent, message.RemainingDirtyBytes, message.MemoryBytes));
        Assert.Equal((9.5e8, 20), (message.BandwidthBytesPerSecond, message.ThrottlePercent));
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), message.Downtime.ToTimeSpan());
        Assert.Equal("moved to hv-2", message.Message);
        Assert.Equal(Operations.Created, message.CreateTime.ToDateTimeOffset());
        Assert.Equal(Operations.Created.AddSeconds(1), message.UpdateTime.ToDateTimeOffset());
        Assert.Equal(Operations.Created.AddSeconds(4.25), message.CompleteTime.ToDateTimeOffset());
        Assert.Null(message.Drain);
        Assert.False(message.CancelRequested);
    }

    [Fact]
    public void ToProto_StartingMigrationNoTargetYet_ZeroFiguresUnsetTimesEmptyStrings()
    {
        var message = ApiMapper.ToProto(Operations.Migration(target: null, phase: MigrationPhase.Reserve) with { CancelRequested = true });

        Assert.Equal(("", Proto.MigrationPhase.Reserve, ""), (message.TargetHostId, message.Phase, message.Message));
        Assert.Equal((0, 0L, 0L, 0L, 0.0, 0), (message.Round, message.BytesSent, message.RemainingDirtyBytes, message.MemoryBytes, message.BandwidthBytesPerSecond, message.ThrottlePercent));
        Assert.Null(message.Downtime);
        Assert.Null(message.CompleteTime);
        Assert.True(message.CancelRequested);
    }

    [Fact]
    public void ToProto_Drain_ProgressWithMigrationNamesNoVmNoPhase()
    {
        var message = ApiMapper.ToProto(Operations.Drain("drain-1", "hv-3", OperationState.Running, "op-7", "op-8"));

        Assert.Equal((Proto.OperationKind.Drain, "", "hv-3", ""), (message.Kind, message.VmId, message.SourceHostId, message.TargetHostId));
        Assert.Equal(Proto.MigrationPhase.Unspecified, message.Phase);
        Assert.Equal((3, 2, 0), (message.Drain.Total, message.Drain.Moved, message.Drain.Failed));
        Assert.Equal(["operations/op-7", "operations/op-8"], message.Drain.Migrations);
    }

    [Fact]
    public void ToProto_EveryKindStateAndPhase_DistinctNotUnspecifiedAndCoversTheApi()
    {
        AssertCovers(Enum.GetValues<OperationKind>().Select(ApiMapper.ToProto).ToList(), Proto.OperationKind.Unspecified);
        AssertCovers(Enum.GetValues<OperationState>().Select(ApiMapper.ToProto).ToList(), Proto.OperationState.Unspecified);
        AssertCovers(Enum.GetValues<MigrationPhase>().Select(ApiMapper.ToProto).ToList(), Proto.MigrationPhase.Unspecified);
    }

    private static void AssertCovers<T>(List<T> mapped, T unspecified)
        where T : struct, Enum
    {
        Assert.DoesNotContain(unspecified, mapped);
        Assert.Equal(mapped.Count, mapped.Distinct().Count());
        Assert.Equal(Enum.GetValues<T>().Length - 1, mapped.Count);
    }

    [Fact]
    public void FromProto_KindAndStateFilters_RoundTripAndUnspecifiedIsNoFilter()
    {
        Assert.Null(ApiMapper.FromProto(Proto.OperationKind.Unspecified, "kind"));
        Assert.Null(ApiMapper.FromProto(Proto.OperationState.Unspecified, "state"));
        Assert.All(Enum.GetValues<OperationKind>(), k => Assert.Equal(k, ApiMapper.FromProto(ApiMapper.ToProto(k), "kind")));
        Assert.All(Enum.GetValues<OperationState>(), s => Assert.Equal(s, ApiMapper.FromProto(ApiMapper.ToProto(s), "state")));
        Assert.Equal("kind", Assert.Throws<InvalidSpecException>(() => ApiMapper.FromProto((Proto.OperationKind)9, "kind")).Field);
        Assert.Equal("state", Assert.Throws<InvalidSpecException>(() => ApiMapper.FromProto((Proto.OperationState)9, "state")).Field);
    }

    [Theory]
    [InlineData("operations/op-1")]
    [InlineData("op-1")]
    public void ParseOperationName_ResourceNameOrBareId_TheId(string name) =>
        Assert.Equal("op-1", ApiMapper.ParseOperationName(name));

    [Fact]
    public void ParseOperationName_TooLong_InvalidSpecNamingTheField() =>
        Assert.Equal("operation", Assert.Throws<InvalidSpecException>(
            () => ApiMapper.ParseOperationName(new string('a', ApiMapper.MaxOperationIdLength + 1), "operation")).Field);

    [Theory]
    [InlineData(Proto.MaintenanceAction.Enter, true)]
    [InlineData(Proto.MaintenanceAction.Exit, false)]
    public void Entering_EnterOrExit_Mapped(Proto.MaintenanceAction action, bool expected) =>
        Assert.Equal(expected, ApiMapper.Entering(action));

    [Theory]
    [InlineData(Proto.MaintenanceAction.Unspecified)]
    [InlineData((Proto.MaintenanceAction)7)]
    public void Entering_UnspecifiedOrUnknown_InvalidSpecNamingAction(Proto.MaintenanceAction action) =>
        Assert.Equal("action", Assert.Throws<InvalidSpecException>(() => ApiMapper.Entering(action)).Field);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ToProtoHost_Maintenance_Copied(bool maintenance)
    {
        var host = MaintenanceApiTests.Host("hv-1") with { Maintenance = maintenance };

        Assert.Equal(maintenance, ApiMapper.ToProto(host).Maintenance);
    }
}
