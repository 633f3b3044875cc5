using HostGrid.Core.Cluster;

namespace HostGrid.Core.Tests.Cluster;

public sealed class HostGridClusterOptionsValidatorTests
{
    private const string ConnectionString = "Host=localhost;Database=hostgrid;Username=hostgrid";

    private readonly HostGridClusterOptionsValidator _validator = new();

    [Fact]
    public void Validate_ConnectionStringAndDefaultIds_Succeeds()
    {
        var result = _validator.Validate(null, new HostGridClusterOptions { ConnectionString = ConnectionString });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_NoConnectionString_FailureNamesConnectionString(string connectionString)
    {
        var result = _validator.Validate(null, new HostGridClusterOptions { ConnectionString = connectionString });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("HostGrid:Cluster:ConnectionString is required", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_OnlyConnectionStringMissing()
    {
        var options = new HostGridClusterOptions();

        var result = _validator.Validate(null, options);

        Assert.Equal(HostGridClusterOptions.DefaultClusterId, options.ClusterId);
        Assert.Equal(HostGridClusterOptions.DefaultServiceId, options.ServiceId);
        Assert.Contains("HostGrid:Cluster:ConnectionString", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Validate_EmptyClusterId_FailureNamesClusterId(string clusterId)
    {
        var result = _validator.Validate(null, new HostGridClusterOptions { ConnectionString = ConnectionString, ClusterId = clusterId });

        Assert.Equal("HostGrid:Cluster:ClusterId must not be empty.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Validate_EmptyServiceId_FailureNamesServiceId(string serviceId)
    {
        var result = _validator.Validate(null, new HostGridClusterOptions { ConnectionString = ConnectionString, ServiceId = serviceId });

        Assert.Equal("HostGrid:Cluster:ServiceId must not be empty.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_EverythingEmpty_ThreeFailures()
    {
        var result = _validator.Validate(null, new HostGridClusterOptions { ClusterId = "", ServiceId = "" });

        Assert.Equal(3, result.Failures!.Count());
    }
}
