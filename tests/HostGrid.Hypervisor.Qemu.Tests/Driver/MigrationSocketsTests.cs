using System.Net;
using System.Net.Sockets;
using HostGrid.Hypervisor.Qemu.Guests;
using HostGrid.Hypervisor.Qemu.Qmp;
using Xunit;

namespace HostGrid.Hypervisor.Qemu.Tests.Driver;

/// <summary>The migration stream's connection as the agents open it before QEMU gets it: sized buffers, a live stream.</summary>
public sealed class MigrationSocketsTests
{
    private const int Buffer = 32 * 1024; // below the kernel's own starting sizes
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ListenAndConnect_BothEndsGetTheBuffersAndCarryTheStream()
    {
        using var listener = MigrationSockets.Listen(IPAddress.Loopback, Buffer);
        var accepting = MigrationSockets.AcceptAsync(listener, CancellationToken.None);
        using var source = await MigrationSockets.ConnectAsync((IPEndPoint)listener.LocalEndPoint!, Buffer, Bound, CancellationToken.None).WaitAsync(Bound);
        using var destination = await accepting.WaitAsync(Bound);

        // Sockets over the handed-over descriptors, as QEMU will use them.
        using var sending = new Socket(new SafeSocketHandle(source.DangerousGetHandle(), ownsHandle: false));
        using var receiving = new Socket(new SafeSocketHandle(destination.DangerousGetHandle(), ownsHandle: false));
        foreach (var socket in new[] { sending, receiving })
        {
            // Linux doubles what it is asked for (its bookkeeping) and no longer autotunes it.
            Assert.InRange(socket.SendBufferSize, Buffer, 2 * Buffer);
            Assert.InRange(socket.ReceiveBufferSize, Buffer, 2 * Buffer);
        }

        sending.Blocking = true; // the descriptor carries the connect's non-blocking mode; QEMU sets its own
        receiving.Blocking = true;
        var unsent = new byte[sizeof(int)];
        Assert.Equal(sizeof(int), sending.GetRawSocketOption(6, 25, unsent)); // IPPROTO_TCP, TCP_NOTSENT_LOWAT
        Assert.Equal(MigrationSockets.UnsentLimitBytes, BitConverter.ToInt32(unsent));
        Assert.Equal(5, sending.Send("hello"u8));
        var received = new byte[5];
        Assert.True(receiving.Poll(Bound, SelectMode.SelectRead));
        Assert.Equal(5, receiving.Receive(received));
        Assert.Equal("hello"u8.ToArray(), received);
    }

    [Fact]
    public async Task Listen_NoBufferSize_LeavesItToTheKernel()
    {
        using var listener = MigrationSockets.Listen(IPAddress.Loopback, bufferBytes: 0);
        var accepting = MigrationSockets.AcceptAsync(listener, CancellationToken.None);
        using var source = await MigrationSockets.ConnectAsync((IPEndPoint)listener.LocalEndPoint!, 0, Bound, CancellationToken.None).WaitAsync(Bound);
        using var destination = await accepting.WaitAsync(Bound);
        using var receiving = new Socket(new SafeSocketHandle(destination.DangerousGetHandle(), ownsHandle: false));

        Assert.NotInRange(receiving.ReceiveBufferSize, Buffer, 2 * Buffer);
    }

    [Fact]
    public async Task Connect_NobodyListens_Refused()
    {
        int port;
        using (var closed = MigrationSockets.Listen(IPAddress.Loopback, Buffer))
        {
            port = ((IPEndPoint)closed.LocalEndPoint!).Port;
        }

        var refused = await Assert.ThrowsAsync<SocketException>(() => MigrationSockets.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Buffer, Bound, CancellationToken.None).WaitAsync(Bound));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Accept_ListenerClosed_Ends()
    {
        var listener = MigrationSockets.Listen(IPAddress.Loopback, Buffer);
        var accepting = MigrationSockets.AcceptAsync(listener, CancellationToken.None);
        listener.Dispose();

        var ended = await Record.ExceptionAsync(() => accepting.WaitAsync(Bound));
        Assert.True(ended is SocketException or ObjectDisposedException or OperationCanceledException, $"unexpected {ended}");
    }

    [Fact]
    public void Duplicate_OutlivesTheOriginal()
    {
        UnixDescriptors.DescriptorHandle copy;
        using (var original = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            copy = UnixDescriptors.Duplicate(original.SafeHandle);
            Assert.NotEqual(original.Handle, copy.DangerousGetHandle());
        }

        using (copy)
        using (var socket = new Socket(new SafeSocketHandle(copy.DangerousGetHandle(), ownsHandle: false)))
        {
            Assert.Equal(AddressFamily.InterNetwork, socket.AddressFamily); // still an open socket
        }
    }
}
