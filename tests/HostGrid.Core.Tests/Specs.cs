using HostGrid.Core.Placement;

namespace HostGrid.Core.Tests;

internal static class Specs
{
    public static VmSpec Sized(
        int vcpus = 1,
        long memoryMib = 512,
        long diskGib = 10,
        string? group = null,
        string? target = null,
        Dictionary<string, string>? requiredLabels = null,
        Dictionary<string, string>? labels = null,
        PlacementPolicy policy = PlacementPolicy.Spread) => new(
        new ResourceAmounts(vcpus, memoryMib, diskGib),
        labels ?? [],
        group,
        requiredLabels ?? [],
        policy,
        target is null ? null : new HostId(target));

    public static PlacementRequest Request(VmSpec spec, params HostSnapshot[] hosts) => Request("web-1", spec, hosts);

    public static PlacementRequest Request(string vmId, VmSpec spec, params HostSnapshot[] hosts) =>
        new(new VmId(vmId), spec, hosts);
}
