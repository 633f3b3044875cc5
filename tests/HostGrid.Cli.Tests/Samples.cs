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
}
