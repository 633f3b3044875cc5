using HostGrid.Core.Validation;

namespace HostGrid.Core.Tests.Validation;

public sealed class ResourceNamesTests
{
    [Theory]
    [InlineData("vms/web-1", "web-1")]
    [InlineData("web-1", "web-1")]
    [InlineData("vms/", "")]
    [InlineData("vms/vms/web-1", "vms/web-1")]
    [InlineData("hosts/hv-1", "hosts/hv-1")]
    [InlineData("VMS/web-1", "VMS/web-1")]
    [InlineData("vmsweb-1", "vmsweb-1")]
    [InlineData("", "")]
    public void StripCollection_Name_ReturnsIdPart(string name, string expected)
    {
        Assert.Equal(expected, ResourceNames.StripCollection(name, "vms"));
    }

    [Fact]
    public void StripCollection_Null_ReturnsEmpty()
    {
        Assert.Equal("", ResourceNames.StripCollection(null, "vms"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("web-1")]
    [InlineData("hv-rack1-07")]
    [InlineData("a-b-c-d")]
    public void Problem_DnsLabel_Null(string value)
    {
        Assert.Null(ResourceNames.Problem(value));
    }

    [Fact]
    public void Problem_SixtyThreeCharacters_Null()
    {
        Assert.Null(ResourceNames.Problem("a" + new string('b', 62)));
    }

    [Fact]
    public void Problem_SixtyFourCharacters_SaysLimitAndLength()
    {
        Assert.Equal("must be at most 63 characters (got 64)", ResourceNames.Problem(new string('a', 64)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Problem_Empty_SaysMustNotBeEmpty(string? value)
    {
        Assert.Equal("must not be empty", ResourceNames.Problem(value));
    }

    [Fact]
    public void Problem_ControlCharacter_ShownAsQuestionMark()
    {
        var problem = ResourceNames.Problem("web\u00071");

        Assert.NotNull(problem);
        Assert.StartsWith("'web?1' must be a DNS label", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0007', problem);
    }
}
