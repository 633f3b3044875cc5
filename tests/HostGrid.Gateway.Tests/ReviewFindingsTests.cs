using HostGrid.Gateway.Api;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Tests;

/// <summary>Regression tests: the API once accepted ids ending in a newline.</summary>
public sealed class ReviewFindingsTests
{
    [Fact]
    public void ToCommand_VmIdWithTrailingNewline_InvalidSpecNamingVmId()
    {
        var request = new Proto.CreateVmRequest
        {
            VmId = "web-1\n",
            Resources = new Proto.Resources { Vcpus = 1, MemoryMib = 512, DiskGib = 10 },
        };

        Assert.Equal("vm_id", Assert.Throws<InvalidSpecException>(() => ApiMapper.ToCommand(request)).Field);
    }

    [Fact]
    public void ParseVmName_TrailingNewline_InvalidSpec()
    {
        Assert.Throws<InvalidSpecException>(() => ApiMapper.ParseVmName("vms/web-1\n"));
    }
}
