using System.Buffers.Binary;
using System.Net.Sockets;
using HostGrid.Contracts.Errors;

namespace HostGrid.Hypervisor.Migration;

/// <summary>Reads length-prefixed frames from a socket into one reused buffer.</summary>
internal sealed class FrameReader
{
    /// <summary>Largest frame accepted: a version table of a 16 GiB guest fits; garbage on the port does not allocate gigabytes.</summary>
    public const int MaxFrameBytes = 64 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly byte[] _prefix = new byte[4];
    private byte[] _buffer;

    public FrameReader(Socket socket, int initialCapacity)
    {
        _socket = socket;
        _buffer = new byte[initialCapacity];
    }

    public long BytesRead { get; private set; }

    /// <summary>The next frame's body, valid until the next call; null when the peer closed the connection between frames.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(_prefix, allowEnd: true, cancellationToken))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(_prefix);
        if (length is <= 0 or > MaxFrameBytes)
        {
            throw new MigrationFailedException($"bad frame length {length} on the migration connection");
        }

        if (length > _buffer.Length)
        {
            _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        }

        var body = _buffer.AsMemory(0, length);
        await FillAsync(body, allowEnd: false, cancellationToken);
        return body;
    }

    private async ValueTask<bool> FillAsync(Memory<byte> target, bool allowEnd, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < target.Length)
        {
            var n = await _socket.ReceiveAsync(target[filled..], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                if (allowEnd && filled == 0)
                {
                    return false;
                }

                throw new MigrationFailedException("the peer closed the migration connection in the middle of a frame");
            }

            filled += n;
            BytesRead += n;
        }

        return true;
    }
}
