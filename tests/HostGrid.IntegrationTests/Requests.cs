namespace HostGrid.IntegrationTests;

internal static class Requests
{
    public static CreateVmRequest Create(string id, int vcpus = 1, long memoryMib = 512, long diskGib = 10) => new()
    {
        VmId = id,
        Resources = new Resources { Vcpus = vcpus, MemoryMib = memoryMib, DiskGib = diskGib },
    };
}
