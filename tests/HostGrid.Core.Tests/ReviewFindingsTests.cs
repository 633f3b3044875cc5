using HostGrid.Core.Placement;
using HostGrid.Core.Validation;

namespace HostGrid.Core.Tests;

/// <summary>Regression tests for bugs found in review.</summary>
public sealed class ReviewFindingsTests
{
    // ResourceNames.DnsLabel uses "$", which in .NET also matches before a final "\n": "web-1\n" passes as a DNS label.
    [Theory]
    [InlineData("web-1\n")]
    [InlineData("a\n")]
    public void ValidateId_TrailingNewline_InvalidSpecNamingVmId(string id)
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.ValidateId(id));

        Assert.Equal("vm_id", error.Field);
    }

    [Fact]
    public void Problem_TrailingNewline_NotADnsLabel()
    {
        Assert.NotNull(ResourceNames.Problem("hv-1\n"));
    }

    [Fact]
    public void Validate_AntiAffinityGroupWithTrailingNewline_FieldIsAntiAffinityGroup()
    {
        var error = Assert.Throws<InvalidSpecException>(() => VmSpecValidator.Validate(Specs.Sized(group: "db\n")));

        Assert.Equal("anti_affinity_group", error.Field);
    }

    // ValidateAgainstLargestHost takes each resource's maximum over different hosts, so a guest that fits no single host
    // (the CPU of one and the memory of the other) passes, and then waits as Pending forever instead of being bad input.
    [Fact]
    public void ValidateAgainstLargestHost_EachResourceFitsADifferentHostButNoHostFitsAll_InvalidSpec()
    {
        HostSnapshot[] hosts =
        [
            HostBuilder.Host("hv-cpu").WithCapacity(64, 8192, 100),
            HostBuilder.Host("hv-mem").WithCapacity(4, 524288, 100),
        ];

        var error = Assert.Throws<InvalidSpecException>(() =>
            VmSpecValidator.ValidateAgainstLargestHost(Specs.Sized(64, 524288, 10), hosts));

        Assert.StartsWith("resources", error.Field, StringComparison.Ordinal);
    }

    // SpreadWeigher subtracts the guest's size from Free even on a host that already holds its reservation (which
    // CapacityFilter lets through as "a retried placement"), so a retry ranks the guest's own host as if the guest were
    // there twice and prefers another host: the guest is reserved on both and the first reservation leaks.
    [Fact]
    public void Place_RetriedPlacementOnTwoEqualHosts_KeepsTheHostAlreadyHoldingTheReservation()
    {
        var decision = Scheduler.Default.Place(Specs.Request(
            "web-1",
            Specs.Sized(4, 16384),
            HostBuilder.Host("hv-2").WithCapacity(16, 65536, 1000).WithGuest("web-1", 4, 16384),
            HostBuilder.Host("hv-1").WithCapacity(16, 65536, 1000)));

        Assert.Equal("hv-2", decision.Candidates[0].Value);
    }
}
