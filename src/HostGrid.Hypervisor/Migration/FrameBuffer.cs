using System.Buffers;
using System.Buffers.Binary;

namespace HostGrid.Hypervisor.Migration;

/// <summary>
/// One outgoing frame: an <see cref="IBufferWriter{T}"/> that MessagePack writes into after a 4-byte length prefix, filled in
/// by <see cref="Seal"/>. Page contents are generated straight into it, so a page costs no copy before the socket. Its array
/// is rented from the shared pool (frames are about 1 MiB: a new one per migration would be a large-object allocation each
/// time, and the collections they cause land in switch-overs), and returned by <see cref="Dispose"/>.
/// </summary>
internal sealed class FrameBuffer : IBufferWriter<byte>, IDisposable
{
    private const int Prefix = 4;
    private byte[] _buffer;
    private int _written = Prefix;

    public FrameBuffer(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256) + Prefix);

    /// <summary>The sealed frame, prefix included.</summary>
    public ReadOnlyMemory<byte> Frame => _buffer.AsMemory(0, _written);

    /// <summary>Pages the frame carries (for progress and fault injection).</summary>
    public int Pages { get; set; }

    public void Reset()
    {
        _written = Prefix;
        Pages = 0;
    }

    public void Seal() => BinaryPrimitives.WriteInt32BigEndian(_buffer, _written - Prefix);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Returns the array to the pool; only once nothing reads the frame any more.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }
}
