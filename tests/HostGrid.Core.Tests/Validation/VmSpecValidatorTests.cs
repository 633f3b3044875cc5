using HostGrid.Core.Validation;

namespace HostGrid.Core.Tests.Validation;

public sealed class VmSpecValidatorTests
{
    [Theory]
    [InlineData("web-1")]
    [InlineData("a")]
    [InlineData("db0")]
    public void ValidateId_DnsLabel_ReturnsTheId(string id)
    {
        Assert.Equal(new VmId(id), VmSpecValidator.ValidateId(id));
    }

    [Fact]
    public void ValidateId_SixtyThreeCharacters_Accepted()
    {
        var id = new string('a', 63);

        Assert.Equal(id, VmSpecValidator.ValidateId(id).Value);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData(null, "must not be empty")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "must be at most 63 characters (got 64)")]
    [InlineData("Web-1", "DNS label")]
    [InlineData("web_1", "DNS label")]
    [InlineData("1web", "DNS label")]
    [InlineData("web-", "DNS label")]
    [InlineData("-web", "DNS label")]
    [InlineData("web.1", "DNS label")]
    [InlineData("web 1", "DNS label")]
    [InlineData("vms/web-1", "DNS label")]
    [InlineData("web\u00001", "DNS label")]
    [InlineData("web\t1", "DNS label")]
    [InlineData("wéb", "DNS label")]
    public void ValidateId_Invalid_InvalidSpecNamingVmId(string? id, string problem)
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.ValidateId(id));

        Assert.Equal("vm_id", error.Field);
        Assert.StartsWith("vm_id: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateId_OtherField_ErrorNamesThatField()
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.ValidateId("Bad", "name"));

        Assert.Equal("name", error.Field);
    }

    [Fact]
    public void Validate_ReasonableSpec_NoError()
    {
        VmSpecValidator.Validate(Specs.Sized(
            2,
            4096,
            20,
            group: "db",
            target: "hv-1",
            requiredLabels: new() { ["zone"] = "eu-1a" },
            labels: new() { ["app"] = "web", ["example.com/tier"] = "front_end.v2", ["empty"] = "" },
            policy: PlacementPolicy.Pack));
    }

    [Theory]
    [InlineData(1, VmSpecValidator.MinMemoryMib, 1)]
    [InlineData(VmSpecValidator.MaxVcpus, VmSpecValidator.MaxMemoryMib, VmSpecValidator.MaxDiskGib)]
    public void Validate_ResourcesAtTheLimits_NoError(int vcpus, long memoryMib, long diskGib)
    {
        VmSpecValidator.Validate(Specs.Sized(vcpus, memoryMib, diskGib));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(VmSpecValidator.MaxVcpus + 1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Validate_BadVcpus_FieldIsResourcesVcpus(int vcpus)
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(vcpus: vcpus)));

        Assert.Equal("resources.vcpus", error.Field);
        Assert.Equal($"resources.vcpus: must be between 1 and 1024 (got {vcpus})", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(VmSpecValidator.MinMemoryMib - 1)]
    [InlineData(VmSpecValidator.MaxMemoryMib + 1)]
    [InlineData(long.MaxValue)]
    public void Validate_BadMemory_FieldIsResourcesMemoryMib(long memoryMib)
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(memoryMib: memoryMib)));

        Assert.Equal("resources.memory_mib", error.Field);
        Assert.Contains($"(got {memoryMib})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(VmSpecValidator.MaxDiskGib + 1)]
    [InlineData(long.MaxValue)]
    public void Validate_BadDisk_FieldIsResourcesDiskGib(long diskGib)
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(diskGib: diskGib)));

        Assert.Equal("resources.disk_gib", error.Field);
        Assert.Contains($"(got {diskGib})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad key", "v")]
    [InlineData("", "v")]
    [InlineData("key=1", "v")]
    [InlineData("k\u0001", "v")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "v")]
    public void Validate_BadLabelKey_FieldNamesTheLabel(string key, string value)
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(labels: new() { [key] = value })));

        Assert.Equal($"labels[{key}]", error.Field);
        Assert.Contains("label keys", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("a=b")]
    [InlineData("line\nbreak")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Validate_BadLabelValue_FieldNamesTheLabel(string value)
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(labels: new() { ["app"] = value })));

        Assert.Equal("labels[app]", error.Field);
        Assert.Contains("label values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadRequiredHostLabel_FieldIsRequiredHostLabels()
    {
        var error = Assert.Throws<InvalidSpecException>(() =>
            VmSpecValidator.Validate(Specs.Sized(requiredLabels: new() { ["zone!"] = "a" })));

        Assert.Equal("required_host_labels[zone!]", error.Field);
    }

    [Fact]
    public void Validate_SixtyFourLabels_NoError()
    {
        VmSpecValidator.Validate(Specs.Sized(labels: Labels(VmSpecValidator.MaxLabels)));
    }

    [Fact]
    public void Validate_TooManyLabels_FieldIsLabelsWithCount()
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(labels: Labels(65))));

        Assert.Equal("labels", error.Field);
        Assert.Equal("labels: at most 64 labels (got 65)", error.Message);
    }

    [Fact]
    public void Validate_TooManyRequiredHostLabels_FieldIsRequiredHostLabels()
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(requiredLabels: Labels(65))));

        Assert.Equal("required_host_labels", error.Field);
    }

    [Theory]
    [InlineData("DB")]
    [InlineData("db_group")]
    [InlineData("db-")]
    public void Validate_BadAntiAffinityGroup_FieldIsAntiAffinityGroup(string group)
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(group: group)));

        Assert.Equal("anti_affinity_group", error.Field);
    }

    [Fact]
    public void Validate_EmptyAntiAffinityGroup_MeansNoGroup()
    {
        VmSpecValidator.Validate(Specs.Sized(group: ""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("HV-1")]
    [InlineData("hosts/hv-1")]
    public void Validate_BadTargetHost_FieldIsTargetHostId(string target)
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(target: target)));

        Assert.Equal("target_host_id", error.Field);
    }

    [Fact]
    public void Validate_UndefinedPlacementPolicy_FieldIsPlacementPolicy()
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(policy: (PlacementPolicy)7)));

        Assert.Equal("placement_policy", error.Field);
        Assert.Equal("placement_policy: unknown policy 7", error.Message);
    }

    [Fact]
    public void ValidateAgainstLargestHost_NoHosts_NoError()
    {
        VmSpecValidator.ValidateAgainstLargestHost(Specs.Sized(1024, VmSpecValidator.MaxMemoryMib), []);
    }

    [Fact]
    public void ValidateAgainstLargestHost_FitsTheLargestHostExactly_NoError()
    {
        VmSpecValidator.ValidateAgainstLargestHost(Specs.Sized(32, 131072, 2000), LargeAndSmall());
    }

    [Fact]
    public void ValidateAgainstLargestHost_FitsOnlyAFullLargeHost_NoErrorBecauseItMayFitLater()
    {
        // The check is against whole capacity, not what is free now.
        HostSnapshot full = HostBuilder.Host("hv-1").WithCapacity(8, 16384, 100).WithGuest("old-1", 8, 16384, 100);

        VmSpecValidator.ValidateAgainstLargestHost(Specs.Sized(8, 16384, 100), [full]);
    }

    [Fact]
    public void ValidateAgainstLargestHost_MoreVcpusThanAnyHost_FieldIsResourcesVcpusWithLargest()
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.ValidateAgainstLargestHost(Specs.Sized(vcpus: 33), LargeAndSmall()));

        Assert.Equal("resources.vcpus", error.Field);
        Assert.Equal("resources.vcpus: 33 exceeds the largest host's capacity (32)", error.Message);
    }

    [Fact]
    public void ValidateAgainstLargestHost_MoreMemoryThanAnyHost_FieldIsResourcesMemoryMib()
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.ValidateAgainstLargestHost(Specs.Sized(memoryMib: 131073), LargeAndSmall()));

        Assert.Equal("resources.memory_mib", error.Field);
        Assert.Contains("(131072 MiB)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAgainstLargestHost_MoreDiskThanAnyHost_FieldIsResourcesDiskGib()
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.ValidateAgainstLargestHost(Specs.Sized(diskGib: 2001), LargeAndSmall()));

        Assert.Equal("resources.disk_gib", error.Field);
        Assert.Contains("(2000 GiB)", error.Message, StringComparison.Ordinal);
    }

    private static HostSnapshot[] LargeAndSmall() =>
    [
        HostBuilder.Host("hv-small").WithCapacity(4, 8192, 100),
        HostBuilder.Host("hv-large").WithCapacity(32, 131072, 2000),
    ];

    private static Dictionary<string, string> Labels(int count) =>
        Enumerable.Range(0, count).ToDictionary(i => $"k{i}", i => $"v{i}");
}
