using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using HostGrid.Contracts.Errors;

namespace HostGrid.Hypervisor.Migration;

/// <summary>Reads length-prefixed frames from a socket into one reused buffer, rented from the shared pool until <see cref="Dispose"/>.</summary>
internal sealed class FrameReader : IDisposable
{
    /// <summary>Largest frame accepted: a version table of a 16 GiB guest fits; garbage on the port does not allocate gigabytes.</summary>
    public const int MaxFrameBytes = 64 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly byte[] _prefix = new byte[4];
    private byte[] _buffer;

    public FrameReader(Socket socket, int initialCapacity)
    {
        _socket = socket;
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
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
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(length, _buffer.Length * 2));
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var body = _buffer.AsMemory(0, length);
        await FillAsync(body, allowEnd: false, cancellationToken);
        return body;
    }

    /// <summary>Returns the buffer to the pool; only once no read is under way and no frame read is in use.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
