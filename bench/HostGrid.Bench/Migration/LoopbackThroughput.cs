using System.Net;
using System.Net.Sockets;

namespace HostGrid.Bench.Migration;

/// <summary>Raw TCP throughput over loopback: one plain socket, the same chunk size as a migration frame, no framing or content.</summary>
internal static class LoopbackThroughput
{
    public static async Task<double> MeasureBytesPerSecondAsync(long bytes, int chunk, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!, cancellationToken);
        using var server = await listener.AcceptAsync(cancellationToken);

        var started = TimeProvider.System.GetTimestamp();
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[chunk];
            var received = 0L;
            while (received < bytes)
            {
                var n = await server.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (n == 0)
                {
                    throw new IOException($"loopback peer closed after {received} bytes");
                }

                received += n;
            }
        }, cancellationToken);

        var data = new byte[chunk];
        Random.Shared.NextBytes(data);
        for (var sent = 0L; sent < bytes; sent += chunk)
        {
            await client.SendAsync(data.AsMemory(0, (int)Math.Min(chunk, bytes - sent)), SocketFlags.None, cancellationToken);
        }

        await receiving;
        return bytes / TimeProvider.System.GetElapsedTime(started).TotalSeconds;
    }
}
