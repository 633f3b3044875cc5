using HostGrid.Agent.Hosting;
using HostGrid.Core.Configuration;
using HostGrid.Core.Failover;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostGrid.Agent.Tests.Configuration;

public sealed class ValidatedOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    private static readonly (string, string)[] GoodAgent =
    [
        ("HostGrid:Agent:Hosts:0:Id", "hv-1"),
        ("HostGrid:Agent:Hosts:0:Vcpus", "16"),
        ("HostGrid:Agent:Hosts:0:MemoryMib", "65536"),
        ("HostGrid:Agent:Hosts:0:DiskGib", "1000"),
        ("HostGrid:Agent:Hosts:0:Labels:zone", "a"),
        ("HostGrid:Agent:SiloPort", "11112"),
    ];

    [Fact]
    public void Bind_ValidSection_ReturnsBoundOptions()
    {
        var options = ValidatedOptions.Bind<HostGridAgentOptions, HostGridAgentOptionsValidator>(
            Config(GoodAgent), new ServiceCollection(), HostGridAgentOptions.SectionName);

        var host = Assert.Single(options.Hosts);
        Assert.Equal(("hv-1", 16, 65536L, 1000L), (host.Id, host.Vcpus, host.MemoryMib, host.DiskGib));
        Assert.Equal("a", host.Labels["zone"]);
        Assert.Equal(11112, options.SiloPort);
        Assert.Equal(HostGridAgentOptions.DefaultGatewayPort, options.GatewayPort);
    }

    [Fact]
    public void Bind_ValidSection_RegistersOptionsForInjection()
    {
        var services = new ServiceCollection();

        ValidatedOptions.Bind<HostGridAgentOptions, HostGridAgentOptionsValidator>(Config(GoodAgent), services, HostGridAgentOptions.SectionName);
        services.AddSingleton(Config(GoodAgent));
        using var provider = services.BuildServiceProvider();

        Assert.Equal("hv-1", Assert.Single(provider.GetRequiredService<IOptions<HostGridAgentOptions>>().Value.Hosts).Id);
        Assert.Contains(provider.GetServices<IValidateOptions<HostGridAgentOptions>>(), v => v is HostGridAgentOptionsValidator);
    }

    [Fact]
    public void Bind_HostWithZeroVcpus_ThrowsNamingTheKey()
    {
        var settings = GoodAgent.Select(s => s.Item1 == "HostGrid:Agent:Hosts:0:Vcpus" ? (s.Item1, "0") : s).ToArray();

        var error = Assert.Throws<OptionsValidationException>(() =>
            ValidatedOptions.Bind<HostGridAgentOptions, HostGridAgentOptionsValidator>(Config(settings), new ServiceCollection(), HostGridAgentOptions.SectionName));

        Assert.Equal("HostGrid:Agent:Hosts:0:Vcpus must be at least 1 (got 0).", Assert.Single(error.Failures));
        Assert.Equal(typeof(HostGridAgentOptions), error.OptionsType);
        Assert.Equal(HostGridAgentOptions.SectionName, error.OptionsName);
    }

    [Fact]
    public void Bind_SectionMissing_ValidatesDefaultsAndThrows()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            ValidatedOptions.Bind<HostGridAgentOptions, HostGridAgentOptionsValidator>(Config(), new ServiceCollection(), HostGridAgentOptions.SectionName));

        Assert.StartsWith("HostGrid:Agent:Hosts must name at least one host", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_InvalidSection_RegistersNothing()
    {
        var services = new ServiceCollection();

        Assert.Throws<OptionsValidationException>(() =>
            ValidatedOptions.Bind<HostGridAgentOptions, HostGridAgentOptionsValidator>(Config(), services, HostGridAgentOptions.SectionName));

        Assert.Empty(services);
    }

    [Fact]
    public void Bind_FailoverTimeSpansFromStrings_BoundAndValidated()
    {
        var options = ValidatedOptions.Bind<FailoverOptions, FailoverOptionsValidator>(
            Config(("HostGrid:Failover:HeartbeatInterval", "00:00:02"), ("HostGrid:Failover:IsolationTimeout", "00:00:05")),
            new ServiceCollection(),
            FailoverOptions.SectionName);

        Assert.Equal(TimeSpan.FromSeconds(2), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.IsolationTimeout);
        Assert.Equal(FailoverOptions.DefaultMissedHeartbeats, options.MissedHeartbeats);
    }

    [Fact]
    public void Bind_FailoverIsolationTooShort_ThrowsNamingIsolationTimeout()
    {
        var error = Assert.Throws<OptionsValidationException>(() => ValidatedOptions.Bind<FailoverOptions, FailoverOptionsValidator>(
            Config(("HostGrid:Failover:HeartbeatInterval", "00:00:02"), ("HostGrid:Failover:IsolationTimeout", "00:00:01")),
            new ServiceCollection(),
            FailoverOptions.SectionName));

        Assert.StartsWith("HostGrid:Failover:IsolationTimeout", Assert.Single(error.Failures), StringComparison.Ordinal);
        Assert.Contains("HostGrid:Failover:IsolationTimeout", error.Message, StringComparison.Ordinal);
    }
}
