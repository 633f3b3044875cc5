namespace HostGrid.Agent.Hosting;

/// <summary>What this agent is: the hosts it serves and how its silo listens. Bound from <c>HostGrid:Agent</c>.</summary>
public sealed class HostGridAgentOptions
{
    public const string SectionName = "HostGrid:Agent";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;
    public const string DefaultAdvertisedAddress = "127.0.0.1";

    /// <summary>The hosts this agent serves: one on a real server; several when simulating.</summary>
    /// <value>Required, at least one.</value>
    public List<HostOptions> Hosts { get; set; } = [];

    /// <summary>Which hypervisor driver runs the guests.</summary>
    /// <value>Default <see cref="HypervisorDriverKind.Simulated"/>.</value>
    public HypervisorDriverKind Driver { get; set; } = HypervisorDriverKind.Simulated;

    /// <summary>Address other silos and clients reach this agent on.</summary>
    /// <value>Default <c>127.0.0.1</c>.</value>
    public string AdvertisedAddress { get; set; } = DefaultAdvertisedAddress;

    /// <summary>Silo-to-silo port.</summary>
    /// <value>Default 11111.</value>
    public int SiloPort { get; set; } = DefaultSiloPort;

    /// <summary>Port Orleans clients (the gateway) connect to.</summary>
    /// <value>Default 30000.</value>
    public int GatewayPort { get; set; } = DefaultGatewayPort;
}
