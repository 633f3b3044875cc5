using Google.Protobuf.WellKnownTypes;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Tests;

internal static class Samples
{
    public static Vm Vm(string id = "web-1", string host = "hv-1") => new()
    {
        Name = $"vms/{id}",
        VmId = id,
        Resources = new Resources { Vcpus = 2, MemoryMib = 2048, DiskGib = 10 },
        Labels = { ["app"] = "web" },
        DesiredState = VmState.Running,
        State = VmState.Running,
        HostId = host,
        Epoch = 3,
        Migratable = true,
        CreateTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero)),
    };

    /// <summary>The clock tests render failovers against: two minutes after <see cref="Failover"/> was declared.</summary>
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 10, 2, 0, TimeSpan.Zero);

    /// <summary>A failover declared at 10:00:00, fenced 3.5 s later, completed after 5.25 s (unless <paramref name="completed"/> is false).</summary>
    public static Failover Failover(string id = "hv-2-1", string host = "hv-2", bool completed = true)
    {
        var declared = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var failover = new Failover
        {
            Name = $"failovers/{id}",
            FailoverId = id,
            HostId = host,
            Cause = FailureCause.MissedHeartbeats,
            Phase = completed ? FailoverPhase.Completed : FailoverPhase.AwaitingFence,
            LastHeartbeatTime = Timestamp.FromDateTimeOffset(declared.AddSeconds(-4)),
            DeclaredTime = Timestamp.FromDateTimeOffset(declared),
            FenceTime = Timestamp.FromDateTimeOffset(declared.AddSeconds(3.5)),
        };
        if (!completed)
            return failover;
        failover.CompletedTime = Timestamp.FromDateTimeOffset(declared.AddSeconds(5.25));
        failover.Outcomes.Add(new VmFailoverOutcome { VmId = "api-1", Result = VmFailoverResult.Restarted, NewHostId = "hv-1", Epoch = 4 });
        failover.Outcomes.Add(new VmFailoverOutcome { VmId = "batch-1", Result = VmFailoverResult.Skipped, NewHostId = host, Epoch = 1, Reason = "restart priority disabled" });
        failover.Outcomes.Add(new VmFailoverOutcome { VmId = "db-1", Result = VmFailoverResult.Pending, Epoch = 3, Reason = "no host has 65536 MiB free" });
        failover.Outcomes.Add(new VmFailoverOutcome { VmId = "web-1", Result = VmFailoverResult.Restarted, NewHostId = "hv-3", Epoch = 5 });
        failover.RestartedCount = 2;
        failover.PendingCount = 1;
        failover.SkippedCount = 1;
        return failover;
    }

    public static Host Host(string id = "hv-1", double heartbeatAge = 0.42) => new()
    {
        Name = $"hosts/{id}",
        HostId = id,
        Status = HostStatus.Up,
        Capacity = new Resources { Vcpus = 32, MemoryMib = 65536, DiskGib = 2000 },
        Allocated = new Resources { Vcpus = 8, MemoryMib = 16384, DiskGib = 100 },
        Load = new HostLoad { CpuFraction = 0.52, MemoryFraction = 0.25, RunningVms = 1 },
        Labels = { ["rack"] = "r1", ["zone"] = "a" },
        HeartbeatAgeSeconds = heartbeatAge,
        VmIds = { "web-1" },
    };

    public static readonly DateTimeOffset OperationCreated = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A migration of web-1 from hv-1 to hv-2 (1 GiB of memory) in <paramref name="phase"/>; round and bytes only from pre-copy on.</summary>
    public static Operation Migration(
        string id = "op-1", MigrationPhase phase = MigrationPhase.Reserve, int round = 0, OperationState state = OperationState.Running,
        string vm = "web-1", string message = "")
    {
        var operation = new Operation
        {
            Name = $"operations/{id}",
            OperationId = id,
            Kind = OperationKind.Migrate,
            State = state,
            VmId = vm,
            SourceHostId = "hv-1",
            TargetHostId = "hv-2",
            Phase = phase,
            Message = message,
            CreateTime = Timestamp.FromDateTimeOffset(OperationCreated),
            UpdateTime = Timestamp.FromDateTimeOffset(OperationCreated.AddSeconds(1)),
        };
        if (round > 0)
        {
            operation.Round = round;
            operation.MemoryBytes = 1L << 30;
            operation.BytesSent = round * (512L << 20);
            operation.RemainingDirtyBytes = (64L << 20) / round;
            operation.BandwidthBytesPerSecond = 950L << 20;
            operation.ThrottlePercent = round > 1 ? 20 : 0;
        }

        if (state != OperationState.Running)
            operation.CompleteTime = Timestamp.FromDateTimeOffset(OperationCreated.AddSeconds(4.25));
        return operation;
    }

    /// <summary>A migration that finished: 3 rounds, 1536 MiB sent, 12.5 ms downtime, 4.25 s after it was created.</summary>
    public static Operation Migrated(string id = "op-1", string vm = "web-1")
    {
        var operation = Migration(id, MigrationPhase.Done, 3, OperationState.Succeeded, vm);
        operation.Downtime = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(12.5));
        return operation;
    }

    public static Operation Drain(string id = "drain-1", string host = "hv-1", int total = 2, int moved = 0, int failed = 0,
        OperationState state = OperationState.Running, params string[] migrations)
    {
        var operation = new Operation
        {
            Name = $"operations/{id}",
            OperationId = id,
            Kind = OperationKind.Drain,
            State = state,
            SourceHostId = host,
            CreateTime = Timestamp.FromDateTimeOffset(OperationCreated),
            UpdateTime = Timestamp.FromDateTimeOffset(OperationCreated.AddSeconds(1)),
            Drain = new DrainProgress { Total = total, Moved = moved, Failed = failed, Migrations = { migrations.Select(m => $"operations/{m}") } },
        };
        if (state != OperationState.Running)
            operation.CompleteTime = Timestamp.FromDateTimeOffset(OperationCreated.AddSeconds(30.2));
        return operation;
    }

    /// <summary>Two moves off hv-1 (web-1 2 GiB, db-1 4 GiB), imbalance 0.300 → 0.080 under a 0.100 target.</summary>
    public static RebalancePlan Plan() => new()
    {
        ImbalanceBefore = 0.3,
        ImbalanceAfter = 0.08,
        TargetImbalance = 0.1,
        MemoryMibMoved = 6144,
        ReachesTarget = true,
        Moves =
        {
            new RebalanceMove { VmId = "web-1", FromHostId = "hv-1", ToHostId = "hv-2", Why = "hv-1 cpu 90% → 75%, hv-2 cpu 20% → 35%", ImbalanceBefore = 0.3, ImbalanceAfter = 0.17, MemoryMib = 2048 },
            new RebalanceMove { VmId = "db-1", FromHostId = "hv-1", ToHostId = "hv-2", Why = "hv-1 cpu 75% → 55%, hv-2 cpu 35% → 55%", ImbalanceBefore = 0.17, ImbalanceAfter = 0.08, MemoryMib = 4096 },
        },
    };

    /// <summary>A rebalance pass running <see cref="Plan"/>; finished 41 s after it was created unless running.</summary>
    public static Operation Rebalance(
        string id = "rebalance-1", int moved = 0, int failed = 0, OperationState state = OperationState.Running, double? imbalanceNow = null,
        RebalancePlan? plan = null, params string[] migrations)
    {
        var operation = new Operation
        {
            Name = $"operations/{id}",
            OperationId = id,
            Kind = OperationKind.Rebalance,
            State = state,
            CreateTime = Timestamp.FromDateTimeOffset(OperationCreated),
            UpdateTime = Timestamp.FromDateTimeOffset(OperationCreated.AddSeconds(1)),
            Rebalance = new RebalanceProgress { Plan = plan ?? Plan(), Moved = moved, Failed = failed, Migrations = { migrations.Select(m => $"operations/{m}") } },
        };
        if (imbalanceNow is { } now)
            operation.Rebalance.ImbalanceNow = now;
        if (state != OperationState.Running)
            operation.CompleteTime = Timestamp.FromDateTimeOffset(OperationCreated.AddSeconds(41));
        return operation;
    }

    /// <summary>The rebalancer in recommend mode with <see cref="Plan"/> recommended a minute before <see cref="Now"/>.</summary>
    public static Rebalancer Rebalancer(RebalanceMode mode = RebalanceMode.Recommend) => new()
    {
        Name = "rebalancer",
        Mode = mode,
        Aggressiveness = 3,
        Imbalance = 0.3,
        TargetImbalance = 0.1,
        ImbalanceAboveSince = Timestamp.FromDateTimeOffset(Now.AddMinutes(-3)),
        LastPassTime = Timestamp.FromDateTimeOffset(Now.AddHours(-2)),
        Recommendation = Plan(),
        RecommendTime = Timestamp.FromDateTimeOffset(Now.AddMinutes(-1)),
    };
}
