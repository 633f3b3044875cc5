using Grpc.Net.Client;

namespace HostGrid.Bench.Running;

/// <summary>The gRPC channel to a HostGrid gateway.</summary>
internal static class GatewayChannel
{
    /// <summary>Where the gateway is when no --gateway is given: as the CLI, <c>$HOSTGRID_GATEWAY</c>, else the local default.</summary>
    public static string DefaultAddress => Environment.GetEnvironmentVariable("HOSTGRID_GATEWAY") is { Length: > 0 } address
        ? address
        : "http://127.0.0.1:5080";

    /// <summary>
    /// Plaintext HTTP/2 for http:// (h2c, as the CLI). Extra HTTP/2 connections when one reaches its stream limit, so
    /// the client is not the bottleneck at high concurrency.
    /// </summary>
    public static GrpcChannel Open(Uri gateway) => GrpcChannel.ForAddress(gateway, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        DisposeHttpClient = true,
    });
}
