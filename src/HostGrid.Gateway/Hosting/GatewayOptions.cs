namespace HostGrid.Gateway.Hosting;

/// <summary>Where the gateway listens for gRPC (plaintext HTTP/2). Bound from <c>HostGrid:Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "HostGrid:Gateway";
    public const string DefaultAddress = "127.0.0.1";
    public const int DefaultPort = 5080;

    /// <summary>Listen address.</summary>
    /// <value>Default <c>127.0.0.1</c>.</value>
    public string Address { get; set; } = DefaultAddress;

    /// <summary>Listen port.</summary>
    /// <value>Default 5080.</value>
    public int Port { get; set; } = DefaultPort;
}
