using HostGrid.Agent.Hosting;

namespace HostGrid.Agent.Tests.Hosting;

public sealed class HostGridAgentOptionsValidatorTests
{
    private readonly HostGridAgentOptionsValidator _validator = new();

    [Fact]
    public void Validate_OneGoodHostAndDefaults_Succeeds()
    {
        var result = _validator.Validate(null, Options(Host("hv-1")));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_SeveralHosts_Succeeds()
    {
        var result = _validator.Validate(null, Options(Host("hv-1"), Host("hv-2"), Host("hv-rack1-07")));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_NoHosts_FailureNamesHostsKeyWithExample()
    {
        var result = _validator.Validate(null, new HostGridAgentOptions());

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("HostGrid:Agent:Hosts must name at least one host", failure, StringComparison.Ordinal);
        Assert.Contains("HostGrid:Agent:Hosts:0:Id=hv-1", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "HostGrid:Agent:Hosts:0:Id must not be empty.")]
    [InlineData("HV-1", "HostGrid:Agent:Hosts:0:Id 'HV-1' must be a DNS label")]
    [InlineData("hv_1", "HostGrid:Agent:Hosts:0:Id 'hv_1' must be a DNS label")]
    [InlineData("1hv", "HostGrid:Agent:Hosts:0:Id '1hv' must be a DNS label")]
    public void Validate_BadHostId_FailureNamesTheIdKey(string id, string expectedStart)
    {
        var result = _validator.Validate(null, Options(Host(id)));

        Assert.StartsWith(expectedStart, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadIdOnSecondHost_KeyHasItsIndex()
    {
        var result = _validator.Validate(null, Options(Host("hv-1"), Host("Bad")));

        Assert.StartsWith("HostGrid:Agent:Hosts:1:Id ", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void Validate_NoVcpus_FailureNamesVcpusKey(int vcpus)
    {
        var result = _validator.Validate(null, Options(Host("hv-1", vcpus: vcpus)));

        Assert.Equal($"HostGrid:Agent:Hosts:0:Vcpus must be at least 1 (got {vcpus}).", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    public void Validate_TooLittleMemory_FailureNamesMemoryMibKey(long memoryMib)
    {
        var result = _validator.Validate(null, Options(Host("hv-1", memoryMib: memoryMib)));

        Assert.Equal($"HostGrid:Agent:Hosts:0:MemoryMib must be at least 64 (got {memoryMib}).", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_ZeroDisk_FailureNamesDiskGibKey()
    {
        var result = _validator.Validate(null, Options(Host("hv-1", diskGib: 0)));

        Assert.Equal("HostGrid:Agent:Hosts:0:DiskGib must be at least 1 (got 0).", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_HostWithNoCapacityAtAll_OneFailurePerResource()
    {
        var result = _validator.Validate(null, Options(new HostOptions { Id = "hv-1" }, Host("hv-2")));

        Assert.Equal(
            ["HostGrid:Agent:Hosts:0:Vcpus", "HostGrid:Agent:Hosts:0:MemoryMib", "HostGrid:Agent:Hosts:0:DiskGib"],
            result.Failures!.Select(f => f.Split(' ')[0]));
    }

    [Fact]
    public void Validate_DuplicateHostIds_FailureNamesTheHostOnce()
    {
        var result = _validator.Validate(null, Options(Host("hv-1"), Host("hv-2"), Host("hv-1"), Host("hv-1")));

        Assert.Equal("HostGrid:Agent:Hosts names host 'hv-1' more than once.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_BadSiloPort_FailureNamesSiloPortKey(int port)
    {
        var options = Options(Host("hv-1"));
        options.SiloPort = port;

        var result = _validator.Validate(null, options);

        Assert.Equal($"HostGrid:Agent:SiloPort must be a port between 1 and 65535 (got {port}).", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(70000)]
    public void Validate_BadGatewayPort_FailureNamesGatewayPortKey(int port)
    {
        var options = Options(Host("hv-1"));
        options.GatewayPort = port;

        var result = _validator.Validate(null, options);

        Assert.Equal($"HostGrid:Agent:GatewayPort must be a port between 1 and 65535 (got {port}).", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65535)]
    public void Validate_PortsAtTheLimits_Succeeds(int port)
    {
        var options = Options(Host("hv-1"));
        options.SiloPort = port;
        options.GatewayPort = port == 1 ? 2 : 1;

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_SiloAndGatewayOnSamePort_FailureNamesBothSettings()
    {
        var options = Options(Host("hv-1"));
        options.SiloPort = 11111;
        options.GatewayPort = 11111;

        var failure = Assert.Single(_validator.Validate(null, options).Failures!);

        Assert.Equal("HostGrid:Agent:SiloPort and GatewayPort must differ (both 11111).", failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("10.0.0.300")]
    [InlineData("not an address")]
    public void Validate_AdvertisedAddressNotAnIp_FailureNamesAdvertisedAddressKey(string address)
    {
        var options = Options(Host("hv-1"));
        options.AdvertisedAddress = address;

        var failure = Assert.Single(_validator.Validate(null, options).Failures!);

        Assert.Equal($"HostGrid:Agent:AdvertisedAddress must be an IP address (got '{address}').", failure);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("::1")]
    public void Validate_AdvertisedAddressIpv4OrIpv6_Succeeds(string address)
    {
        var options = Options(Host("hv-1"));
        options.AdvertisedAddress = address;

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_ManyProblems_EveryOneReported()
    {
        var options = Options(Host("Bad", vcpus: 0), Host("hv-2"), Host("hv-2"));
        options.SiloPort = 0;
        options.GatewayPort = 0;
        options.AdvertisedAddress = "nowhere";

        var failures = _validator.Validate(null, options).Failures!.ToList();

        Assert.Equal(7, failures.Count);
        Assert.All(failures, f => Assert.StartsWith("HostGrid:Agent:", f, StringComparison.Ordinal));
    }

    private static HostOptions Host(string id, int vcpus = 16, long memoryMib = 65536, long diskGib = 1000) =>
        new() { Id = id, Vcpus = vcpus, MemoryMib = memoryMib, DiskGib = diskGib, Labels = new() { ["zone"] = "a" } };

    private static HostGridAgentOptions Options(params HostOptions[] hosts) => new() { Hosts = [.. hosts] };
}
