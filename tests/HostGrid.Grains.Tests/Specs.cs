namespace HostGrid.Grains.Tests;

internal static class Specs
{
    public static VmSpec Small(string? group = null, string? target = null, Dictionary<string, string>? requiredLabels = null) => new(
        new ResourceAmounts(1, 512, 10),
        new Dictionary<string, string>(),
        group,
        requiredLabels ?? [],
        PlacementPolicy.Spread,
        target is null ? null : new HostId(target));

    public static VmSpec Sized(int cpus, long memoryMib, long diskGib = 10) =>
        new(new ResourceAmounts(cpus, memoryMib, diskGib), new Dictionary<string, string>(), null, new Dictionary<string, string>());
}
