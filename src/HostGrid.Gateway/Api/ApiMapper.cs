using Google.Protobuf.WellKnownTypes;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Failover;
using HostGrid.Contracts.Migration;
using HostGrid.Contracts.Operations;
using HostGrid.Core.Validation;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Api;

/// <summary>Translates between the public API's messages and HostGrid's domain records (the rebalancer's in <c>ApiMapper.Rebalance.cs</c>).</summary>
public static partial class ApiMapper
{
    public const string VmCollection = "vms";
    public const string HostCollection = "hosts";
    public const string FailoverCollection = "failovers";
    public const string OperationCollection = "operations";

    /// <summary>Failover ids are made by the cluster (<c>{host_id}-{n}</c>); anything longer is not one.</summary>
    public const int MaxFailoverIdLength = 128;

    /// <summary>Operation ids are made by the cluster; anything longer is not one.</summary>
    public const int MaxOperationIdLength = 128;

    /// <summary>A guest id from <c>vms/{id}</c> or a bare id, validated; <paramref name="field"/> names the request field.</summary>
    public static VmId ParseVmName(string name, string field = "name") =>
        VmSpecValidator.ValidateId(ResourceNames.StripCollection(name, VmCollection), field);

    public static HostId ParseHostName(string name, string field = "name")
    {
        var id = ResourceNames.StripCollection(name, HostCollection);
        if (ResourceNames.Problem(id) is { } problem)
        {
            throw new InvalidSpecException(field, problem);
        }

        return new HostId(id);
    }

    /// <summary>A failover id from <c>failovers/{id}</c> or a bare id. Only its shape is checked: an unknown id is NOT_FOUND.</summary>
    public static string ParseFailoverName(string name, string field = "name")
    {
        var id = ResourceNames.StripCollection(name, FailoverCollection);
        if (id.Length == 0)
        {
            throw new InvalidSpecException(field, "must not be empty");
        }

        if (id.Length > MaxFailoverIdLength || id.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '/'))
        {
            throw new InvalidSpecException(field, "not a failover id ({host_id}-{n}, or failovers/{host_id}-{n})");
        }

        return id;
    }

    /// <summary>An operation id from <c>operations/{id}</c> or a bare id. Only its shape is checked: an unknown id is NOT_FOUND.</summary>
    public static string ParseOperationName(string name, string field = "name")
    {
        var id = ResourceNames.StripCollection(name, OperationCollection);
        if (id.Length == 0)
        {
            throw new InvalidSpecException(field, "must not be empty");
        }

        if (id.Length > MaxOperationIdLength || id.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '/'))
        {
            throw new InvalidSpecException(field, "not an operation id ({operation_id}, or operations/{operation_id})");
        }

        return id;
    }

    /// <summary>An optional host (empty means none), validated; <paramref name="field"/> names the request field.</summary>
    public static HostId? ParseOptionalHostName(string name, string field) =>
        string.IsNullOrEmpty(name) ? null : ParseHostName(name, field);

    /// <summary>An optional guest (empty means none), validated; <paramref name="field"/> names the request field.</summary>
    public static VmId? ParseOptionalVmName(string name, string field) =>
        string.IsNullOrEmpty(name) ? null : ParseVmName(name, field);

    /// <summary>Checks a create request completely before anything changes.</summary>
    public static (VmId Id, CreateVmCommand Command) ToCommand(Proto.CreateVmRequest request)
    {
        var id = VmSpecValidator.ValidateId(request.VmId);
        if (request.Resources is null)
        {
            throw new InvalidSpecException("resources", "required: vcpus, memory_mib and disk_gib");
        }

        var spec = new VmSpec(
            new ResourceAmounts(request.Resources.Vcpus, request.Resources.MemoryMib, request.Resources.DiskGib),
            new Dictionary<string, string>(request.Labels),
            string.IsNullOrEmpty(request.AntiAffinityGroup) ? null : request.AntiAffinityGroup,
            new Dictionary<string, string>(request.RequiredHostLabels),
            request.PlacementPolicy switch
            {
                Proto.PlacementPolicy.Unspecified or Proto.PlacementPolicy.Spread => PlacementPolicy.Spread,
                Proto.PlacementPolicy.Pack => PlacementPolicy.Pack,
                _ => throw new InvalidSpecException("placement_policy", $"unknown value {(int)request.PlacementPolicy}"),
            },
            string.IsNullOrEmpty(request.TargetHostId) ? null : new HostId(request.TargetHostId),
            FromProto(request.RestartPriority, "restart_priority"),
            // Absent means migratable: only an explicit false pins the guest.
            Pinned: request.HasMigratable && !request.Migratable);
        VmSpecValidator.Validate(spec);
        return (id, new CreateVmCommand(spec, request.StartStopped, VmSpecValidator.ValidateRequestId(request.RequestId)));
    }

    public static Proto.Vm ToProto(VmSnapshot vm)
    {
        var message = new Proto.Vm
        {
            Name = $"{VmCollection}/{vm.VmId}",
            VmId = vm.VmId.Value,
            Resources = ToProto(vm.Spec.Resources),
            AntiAffinityGroup = vm.Spec.AntiAffinityGroup ?? "",
            DesiredState = ToProto(vm.DesiredState),
            State = ToProto(vm.State),
            HostId = vm.Host?.Value ?? "",
            Epoch = vm.Epoch,
            StatusMessage = vm.StatusMessage ?? "",
            CreateTime = Timestamp.FromDateTimeOffset(vm.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(vm.UpdatedAt),
            RestartPriority = ToProto(vm.Spec.RestartPriority),
            Migratable = vm.Spec.Migratable,
        };
        AddAll(message.Labels, vm.Spec.Labels);
        AddAll(message.RequiredHostLabels, vm.Spec.RequiredHostLabels);
        return message;
    }

    public static Proto.Host ToProto(HostSnapshot host)
    {
        var message = new Proto.Host
        {
            Name = $"{HostCollection}/{host.HostId}",
            HostId = host.HostId.Value,
            Status = ToProto(host.Status),
            Capacity = ToProto(host.Capacity),
            Allocated = ToProto(host.Allocated),
            Load = new Proto.HostLoad
            {
                CpuFraction = host.Load.CpuFraction,
                MemoryFraction = host.Load.MemoryFraction,
                RunningVms = host.Load.RunningVms,
            },
            HeartbeatAgeSeconds = host.LastHeartbeat is { } last ? (host.AsOf - last).TotalSeconds : -1,
        };
        if (host.LastHeartbeat is { } beat)
        {
            message.LastHeartbeatTime = Timestamp.FromDateTimeOffset(beat);
        }

        AddAll(message.Labels, host.Labels);
        message.VmIds.AddRange(host.Reservations.Select(r => r.VmId.Value));
        message.Maintenance = host.Maintenance;
        return message;
    }

    public static Proto.Resources ToProto(ResourceAmounts r) =>
        new() { Vcpus = r.Vcpus, MemoryMib = r.MemoryMib, DiskGib = r.DiskGib };

    public static Proto.VmState ToProto(VmState state) => state switch
    {
        VmState.Pending => Proto.VmState.Pending,
        VmState.Starting => Proto.VmState.Starting,
        VmState.Running => Proto.VmState.Running,
        VmState.Stopping => Proto.VmState.Stopping,
        VmState.Stopped => Proto.VmState.Stopped,
        VmState.Migrating => Proto.VmState.Migrating,
        VmState.Failed => Proto.VmState.Failed,
        VmState.Deleting => Proto.VmState.Deleting,
        _ => Proto.VmState.Unspecified,
    };

    /// <summary>A state filter; UNSPECIFIED means no filter.</summary>
    public static VmState? FromProto(Proto.VmState state, string field) =>
        state == Proto.VmState.Unspecified
            ? null
            : System.Enum.GetValues<VmState>().Cast<VmState?>().FirstOrDefault(s => ToProto(s!.Value) == state)
              ?? throw new InvalidSpecException(field, $"unknown state {(int)state}");

    public static Proto.HostStatus ToProto(HostStatus status) => status switch
    {
        HostStatus.Joining => Proto.HostStatus.Joining,
        HostStatus.Up => Proto.HostStatus.Up,
        HostStatus.Suspect => Proto.HostStatus.Suspect,
        HostStatus.Down => Proto.HostStatus.Down,
        HostStatus.Maintenance => Proto.HostStatus.Maintenance,
        _ => Proto.HostStatus.Unspecified,
    };

    public static HostStatus? FromProto(Proto.HostStatus status, string field) =>
        status == Proto.HostStatus.Unspecified
            ? null
            : System.Enum.GetValues<HostStatus>().Cast<HostStatus?>().FirstOrDefault(s => ToProto(s!.Value) == status)
              ?? throw new InvalidSpecException(field, $"unknown status {(int)status}");

    /// <summary>Always an explicit value, so a client never has to know that UNSPECIFIED means medium.</summary>
    public static Proto.RestartPriority ToProto(RestartPriority priority) => priority switch
    {
        RestartPriority.High => Proto.RestartPriority.High,
        RestartPriority.Medium => Proto.RestartPriority.Medium,
        RestartPriority.Low => Proto.RestartPriority.Low,
        RestartPriority.Disabled => Proto.RestartPriority.Disabled,
        _ => Proto.RestartPriority.Unspecified,
    };

    /// <summary>UNSPECIFIED is the default, medium; a number the API does not define is refused naming <paramref name="field"/>.</summary>
    public static RestartPriority FromProto(Proto.RestartPriority priority, string field) => priority switch
    {
        Proto.RestartPriority.Unspecified or Proto.RestartPriority.Medium => RestartPriority.Medium,
        Proto.RestartPriority.High => RestartPriority.High,
        Proto.RestartPriority.Low => RestartPriority.Low,
        Proto.RestartPriority.Disabled => RestartPriority.Disabled,
        _ => throw new InvalidSpecException(field, $"unknown value {(int)priority}"),
    };

    public static Proto.Failover ToProto(FailoverSnapshot failover)
    {
        var message = new Proto.Failover
        {
            Name = $"{FailoverCollection}/{failover.Id}",
            FailoverId = failover.Id,
            HostId = failover.Host.Value,
            Cause = ToProto(failover.Cause),
            Phase = ToProto(failover.Phase),
            LastHeartbeatTime = Timestamp.FromDateTimeOffset(failover.LastHeartbeat),
            DeclaredTime = Timestamp.FromDateTimeOffset(failover.DeclaredAt),
            FenceTime = Timestamp.FromDateTimeOffset(failover.FenceAt),
            RestartedCount = failover.Outcomes.Count(o => o.Result == VmFailoverResult.Restarted),
            PendingCount = failover.Outcomes.Count(o => o.Result == VmFailoverResult.Pending),
            SkippedCount = failover.Outcomes.Count(o => o.Result == VmFailoverResult.Skipped),
        };
        if (failover.CompletedAt is { } completed)
        {
            message.CompletedTime = Timestamp.FromDateTimeOffset(completed);
        }

        message.Outcomes.AddRange(failover.Outcomes.Select(ToProto));
        return message;
    }

    public static Proto.VmFailoverOutcome ToProto(VmFailoverOutcome outcome) => new()
    {
        VmId = outcome.VmId.Value,
        Result = ToProto(outcome.Result),
        NewHostId = outcome.NewHost?.Value ?? "",
        Epoch = outcome.Epoch,
        Reason = outcome.Reason ?? "",
    };

    public static Proto.FailureCause ToProto(FailureCause cause) => cause switch
    {
        FailureCause.MissedHeartbeats => Proto.FailureCause.MissedHeartbeats,
        FailureCause.SiloDead => Proto.FailureCause.SiloDead,
        FailureCause.HypervisorFailed => Proto.FailureCause.HypervisorFailed,
        FailureCause.FencedItself => Proto.FailureCause.FencedItself,
        _ => Proto.FailureCause.Unspecified,
    };

    public static Proto.FailoverPhase ToProto(FailoverPhase phase) => phase switch
    {
        FailoverPhase.AwaitingFence => Proto.FailoverPhase.AwaitingFence,
        FailoverPhase.Restarting => Proto.FailoverPhase.Restarting,
        FailoverPhase.Completed => Proto.FailoverPhase.Completed,
        FailoverPhase.Withdrawn => Proto.FailoverPhase.Withdrawn,
        _ => Proto.FailoverPhase.Unspecified,
    };

    public static Proto.VmFailoverResult ToProto(VmFailoverResult result) => result switch
    {
        VmFailoverResult.Restarted => Proto.VmFailoverResult.Restarted,
        VmFailoverResult.Pending => Proto.VmFailoverResult.Pending,
        VmFailoverResult.Skipped => Proto.VmFailoverResult.Skipped,
        VmFailoverResult.NotOnHost => Proto.VmFailoverResult.NotOnHost,
        _ => Proto.VmFailoverResult.Unspecified,
    };

    /// <summary>
    /// A migration's live figures come from <see cref="OperationSnapshot.Progress"/> (zero when none reported yet);
    /// its phase from <see cref="OperationSnapshot.Phase"/>, the persisted state machine's, which is authoritative.
    /// </summary>
    public static Proto.Operation ToProto(OperationSnapshot operation)
    {
        var message = new Proto.Operation
        {
            Name = $"{OperationCollection}/{operation.OperationId}",
            OperationId = operation.OperationId,
            Kind = ToProto(operation.Kind),
            State = ToProto(operation.State),
            VmId = operation.VmId?.Value ?? "",
            SourceHostId = operation.SourceHost?.Value ?? "",
            TargetHostId = operation.TargetHost?.Value ?? "",
            Phase = operation.Kind == OperationKind.Migrate ? ToProto(operation.Phase) : Proto.MigrationPhase.Unspecified,
            Message = operation.Message ?? "",
            CreateTime = Timestamp.FromDateTimeOffset(operation.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(operation.UpdatedAt),
            CancelRequested = operation.CancelRequested,
        };
        if (operation.Progress is { } progress)
        {
            message.Round = progress.Round;
            message.BytesSent = progress.BytesSent;
            message.RemainingDirtyBytes = progress.RemainingDirtyBytes;
            message.MemoryBytes = progress.MemoryBytes;
            message.BandwidthBytesPerSecond = progress.BandwidthBytesPerSecond;
            message.ThrottlePercent = progress.ThrottlePercent;
        }

        if (operation.HypervisorDowntime is { } hypervisorDowntime)
        {
            message.HypervisorDowntime = Duration.FromTimeSpan(hypervisorDowntime);
        }

        message.PostCopy = operation.PostCopy;

        if (operation.Downtime is { } downtime)
        {
            message.Downtime = Duration.FromTimeSpan(downtime);
        }

        if (operation.CompletedAt is { } completed)
        {
            message.CompleteTime = Timestamp.FromDateTimeOffset(completed);
        }

        if (operation.Drain is { } drain)
        {
            message.Drain = new Proto.DrainProgress { Total = drain.Total, Moved = drain.Moved, Failed = drain.Failed };
            message.Drain.Migrations.AddRange(drain.Migrations.Select(id => $"{OperationCollection}/{id}"));
        }

        if (operation.Rebalance is { } rebalance)
        {
            message.Rebalance = ToProto(rebalance);
        }

        return message;
    }

    public static Proto.OperationKind ToProto(OperationKind kind) => kind switch
    {
        OperationKind.Migrate => Proto.OperationKind.Migrate,
        OperationKind.Drain => Proto.OperationKind.Drain,
        OperationKind.Rebalance => Proto.OperationKind.Rebalance,
        _ => Proto.OperationKind.Unspecified,
    };

    /// <summary>A kind filter; UNSPECIFIED means no filter.</summary>
    public static OperationKind? FromProto(Proto.OperationKind kind, string field) =>
        kind == Proto.OperationKind.Unspecified
            ? null
            : System.Enum.GetValues<OperationKind>().Cast<OperationKind?>().FirstOrDefault(k => ToProto(k!.Value) == kind)
              ?? throw new InvalidSpecException(field, $"unknown kind {(int)kind}");

    public static Proto.OperationState ToProto(OperationState state) => state switch
    {
        OperationState.Running => Proto.OperationState.Running,
        OperationState.Succeeded => Proto.OperationState.Succeeded,
        OperationState.Failed => Proto.OperationState.Failed,
        OperationState.Cancelled => Proto.OperationState.Cancelled,
        _ => Proto.OperationState.Unspecified,
    };

    /// <summary>A state filter; UNSPECIFIED means no filter.</summary>
    public static OperationState? FromProto(Proto.OperationState state, string field) =>
        state == Proto.OperationState.Unspecified
            ? null
            : System.Enum.GetValues<OperationState>().Cast<OperationState?>().FirstOrDefault(s => ToProto(s!.Value) == state)
              ?? throw new InvalidSpecException(field, $"unknown state {(int)state}");

    public static Proto.MigrationPhase ToProto(MigrationPhase phase) => phase switch
    {
        MigrationPhase.Reserve => Proto.MigrationPhase.Reserve,
        MigrationPhase.Prepare => Proto.MigrationPhase.Prepare,
        MigrationPhase.PreCopy => Proto.MigrationPhase.PreCopy,
        MigrationPhase.SwitchOver => Proto.MigrationPhase.SwitchOver,
        MigrationPhase.Commit => Proto.MigrationPhase.Commit,
        MigrationPhase.Cleanup => Proto.MigrationPhase.Cleanup,
        MigrationPhase.Done => Proto.MigrationPhase.Done,
        _ => Proto.MigrationPhase.Unspecified,
    };

    /// <summary>ENTER is true, EXIT false; UNSPECIFIED or an unknown number is refused naming <paramref name="field"/>.</summary>
    public static bool Entering(Proto.MaintenanceAction action, string field = "action") => action switch
    {
        Proto.MaintenanceAction.Enter => true,
        Proto.MaintenanceAction.Exit => false,
        Proto.MaintenanceAction.Unspecified => throw new InvalidSpecException(field, "required: MAINTENANCE_ACTION_ENTER or MAINTENANCE_ACTION_EXIT"),
        _ => throw new InvalidSpecException(field, $"unknown value {(int)action}"),
    };

    /// <summary>True when <paramref name="labels"/> has every wanted label.</summary>
    public static bool HasLabels(IReadOnlyDictionary<string, string> labels, IDictionary<string, string> wanted) =>
        wanted.All(w => labels.TryGetValue(w.Key, out var v) && v == w.Value);

    private static void AddAll(Google.Protobuf.Collections.MapField<string, string> map, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in labels)
        {
            map[key] = value;
        }
    }
}
