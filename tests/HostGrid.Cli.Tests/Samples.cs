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
