using System.Net;
using System.Net.Sockets;
using HostGrid.Hypervisor.Qemu.Qmp;

namespace HostGrid.Hypervisor.Qemu.Guests;

/// <summary>
/// The migration stream's TCP connection, opened by the agents and handed to QEMU (<c>getfd</c>, then <c>fd:NAME</c>), as
/// libvirt does, so that its socket buffers can be sized. Left to the kernel they grow to megabytes; a destination that
/// loads more slowly than the source sends then still has that backlog to read when the source pauses, and the pause
/// grows by it (tens of ms on loopback). Bounded buffers keep what is in flight at the pause small.
/// </summary>
/// <remarks>
/// The handed-over descriptor is a duplicate and the .NET socket is disposed first, so nothing of .NET (its blocking-mode
/// changes on close, its epoll registration) touches the socket once QEMU owns it. For the same reason the connect does
/// not use .NET's asynchronous sockets.
/// </remarks>
internal static class MigrationSockets
{
    /// <summary>
    /// Most bytes the source's socket holds not yet sent (<c>TCP_NOTSENT_LOWAT</c>): QEMU's writes wait beyond it, so what
    /// waits on the source side at the pause stays small however large the send buffer is (bytes in flight are not
    /// limited by it, so neither is the stream's rate).
    /// </summary>
    internal const int UnsentLimitBytes = 32 * 1024;

    private const int IpProtoTcp = 6;
    private const int TcpNotSentLowat = 25; // linux/tcp.h

    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A listener on <paramref name="address"/> (port chosen by the kernel) whose connections get
    /// <paramref name="bufferBytes"/> of send and receive buffer (0: the kernel's).
    /// </summary>
    public static Socket Listen(IPAddress address, int bufferBytes)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            SizeBuffers(listener, bufferBytes); // before listen: accepted sockets inherit them, and the window scale follows
            listener.Bind(new IPEndPoint(address, 0));
            listener.Listen(1);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>The first connection to <paramref name="listener"/>, as a descriptor for QEMU.</summary>
    public static async Task<UnixDescriptors.DescriptorHandle> AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        using var accepted = await listener.AcceptAsync(cancellationToken);
        return UnixDescriptors.Duplicate(accepted.SafeHandle);
    }

    /// <summary>
    /// Connects to <paramref name="destination"/>'s listener with <paramref name="bufferBytes"/> of send and receive buffer
    /// (0: the kernel's), as a descriptor for QEMU.
    /// </summary>
    /// <exception cref="SocketException">Refused or unreachable.</exception>
    /// <exception cref="TimeoutException">Not connected within <paramref name="timeout"/>.</exception>
    public static async Task<UnixDescriptors.DescriptorHandle> ConnectAsync(IPEndPoint destination, int bufferBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(destination.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        SizeBuffers(socket, bufferBytes);
        socket.SetRawSocketOption(IpProtoTcp, TcpNotSentLowat, BitConverter.GetBytes(UnsentLimitBytes));
        socket.NoDelay = true;
        socket.Blocking = false;
        try
        {
            socket.Connect(destination);
        }
        catch (SocketException pending) when (pending.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            await Task.Run(() => AwaitConnected(socket, destination, timeout, cancellationToken), cancellationToken);
        }

        return UnixDescriptors.Duplicate(socket.SafeHandle);
    }

    private static void AwaitConnected(Socket socket, IPEndPoint destination, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!socket.Poll(PollSlice, SelectMode.SelectWrite))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"migration stream to {destination}: not connected within {timeout.TotalSeconds:F0} s");
            }
        }

        if ((int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)! is var error and not 0)
        {
            throw new SocketException(error);
        }
    }

    private static void SizeBuffers(Socket socket, int bufferBytes)
    {
        if (bufferBytes > 0)
        {
            socket.SendBufferSize = bufferBytes;
            socket.ReceiveBufferSize = bufferBytes;
        }
    }
}
