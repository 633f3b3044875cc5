using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;
using MessagePack;

namespace HostGrid.Hypervisor.Migration;

/// <summary>
/// The source end of one migration connection. The caller fills frames (<see cref="RentAsync"/>, then <see cref="Send"/>) while a
/// sender task writes them to the socket, so generating pages and sending them overlap; a reader task listens for the
/// destination's answer (an error at any time, sync acknowledgements, the acknowledgement at the end). The first failure, from any of them, is kept
/// as <see cref="Failure"/> and cancels <see cref="Token"/>, so every wait ends at once with that reason.
/// </summary>
internal sealed class PageSender : IAsyncDisposable
{
    private const int Buffers = 4;
    private static readonly TimeSpan ReasonWait = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly CancellationTokenSource _failed;
    private readonly Channel<FrameBuffer> _free = Channel.CreateBounded<FrameBuffer>(Buffers);
    private readonly Channel<FrameBuffer> _queued = Channel.CreateBounded<FrameBuffer>(Buffers);
    private readonly TaskCompletionSource _acked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _versionsWanted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _synced = new(0);
    private readonly FrameBuffer[] _buffers = new FrameBuffer[Buffers];
    private readonly TimeProvider _time;
    private readonly double _limitBytesPerSecond;
    private readonly long? _dropAfterBytes;
    private readonly FrameReader _reader;
    private Task _sending = Task.CompletedTask;
    private Task _reading = Task.CompletedTask;
    private string? _failure;
    private long _bytesSent;

    private PageSender(Socket socket, int framePages, TimeProvider time, double limitBytesPerSecond, long? dropAfterBytes, CancellationToken cancellationToken)
    {
        _socket = socket;
        _time = time;
        _limitBytesPerSecond = limitBytesPerSecond;
        _dropAfterBytes = dropAfterBytes;
        _failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _reader = new FrameReader(socket, 4096);
        for (var i = 0; i < Buffers; i++)
        {
            _buffers[i] = new FrameBuffer(PageFrames.Capacity(framePages));
            _free.Writer.TryWrite(_buffers[i]);
        }
    }

    /// <summary>Cancelled at the first failure, or when the caller's token is.</summary>
    public CancellationToken Token => _failed.Token;

    /// <summary>Why the connection failed, once it has.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Connects, presents the token and ticket, and waits for the destination to accept them.</summary>
    public static async Task<PageSender> ConnectAsync(
        MigrationEndpoint destination, MigrationTicket ticket, int pageCount, int framePages, TimeProvider time,
        double limitBytesPerSecond, long? dropAfterBytes, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(destination.Address, out var address))
        {
            var addresses = await Dns.GetHostAddressesAsync(destination.Address, cancellationToken);
            address = addresses.FirstOrDefault() ?? throw new MigrationFailedException($"destination address {destination.Address} does not resolve");
        }

        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var sender = new PageSender(socket, framePages, time, limitBytesPerSecond, dropAfterBytes, cancellationToken);
        try
        {
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, destination.Port), cancellationToken);
            }
            catch (SocketException e)
            {
                throw new MigrationFailedException($"cannot connect to the destination at {destination.Address}:{destination.Port}: {e.SocketErrorCode}");
            }

            using var hello = new FrameBuffer(256);
            PageFrames.WriteHello(hello, destination.Token, ticket.OperationId, ticket.VmId, pageCount);
            await socket.SendAsync(hello.Frame, SocketFlags.None, cancellationToken);
            var answer = await sender._reader.ReadAsync(cancellationToken)
                ?? throw new MigrationFailedException("the destination closed the connection before accepting it");
            sender.ReadAnswer(answer, expectHelloAck: true);
            if (sender.Failure is { } refused)
            {
                throw new MigrationFailedException(refused);
            }

            sender._reading = Task.Run(sender.ReadLoopAsync, CancellationToken.None);
            sender._sending = Task.Run(sender.SendLoopAsync, CancellationToken.None);
            return sender;
        }
        catch
        {
            await sender.DisposeAsync();
            throw;
        }
    }

    /// <summary>An empty frame buffer; waits while all are queued for sending.</summary>
    public async ValueTask<FrameBuffer> RentAsync()
    {
        var buffer = await _free.Reader.ReadAsync(Token);
        buffer.Reset();
        return buffer;
    }

    /// <summary>Queues a sealed frame for the sender task (never blocks: at most <see cref="Buffers"/> exist).</summary>
    public void Send(FrameBuffer buffer)
    {
        if (!_queued.Writer.TryWrite(buffer))
        {
            throw new InvalidOperationException("more frames queued than buffers exist");
        }
    }

    /// <summary>Waits until every queued frame is on the socket.</summary>
    public async Task FlushAsync()
    {
        var all = new FrameBuffer[Buffers];
        for (var i = 0; i < Buffers; i++)
        {
            all[i] = await _free.Reader.ReadAsync(Token);
        }

        foreach (var buffer in all)
        {
            _free.Writer.TryWrite(buffer);
        }
    }

    /// <summary>
    /// Waits until the destination has checked and applied every frame sent so far (a sync frame and its answer), so that
    /// nothing is left in flight when the guest pauses; returns how long the answer took once the sync frame was on the socket.
    /// </summary>
    public async Task<TimeSpan> SyncAsync()
    {
        var sync = await RentAsync();
        PageFrames.WriteSignal(sync, FrameKind.Sync);
        Send(sync);
        await FlushAsync();
        var sent = _time.GetTimestamp();
        await _synced.WaitAsync(Token);
        return _time.GetElapsedTime(sent);
    }

    /// <summary>
    /// Sends the final frame and waits for the destination's verdict. If its checksum differs from ours, it asks for our
    /// version table to name the page, and then fails with that reason.
    /// </summary>
    public async Task FinishAsync(int pageCount, ulong digest, Func<long[]> versions)
    {
        var final = await RentAsync();
        PageFrames.WriteFinal(final, pageCount, digest);
        Send(final);
        await FlushAsync();
        await Task.WhenAny(_acked.Task, _versionsWanted.Task).WaitAsync(Token);
        if (!_acked.Task.IsCompleted)
        {
            using var table = new FrameBuffer(PageFrames.Capacity(0) + (pageCount * sizeof(long)));
            PageFrames.WriteVersionTable(table, versions());
            await FlushAsync();
            await _socket.SendAsync(table.Frame, SocketFlags.None, Token);
            await _acked.Task.WaitAsync(Token);
        }
    }

    /// <summary>Records the first failure and cancels every wait.</summary>
    public void Fail(string reason)
    {
        if (Interlocked.CompareExchange(ref _failure, reason, null) is null)
        {
            _failed.Cancel();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queued.Writer.TryComplete();
        _socket.Dispose();
        await _failed.CancelAsync();
        try
        {
            await Task.WhenAll(_sending, _reading);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or MigrationFailedException)
        {
            // Already recorded as the failure, or the connection is being torn down after one.
        }

        // Both tasks have ended and the caller is done with its frames: the arrays go back to the pool.
        foreach (var buffer in _buffers)
        {
            buffer.Dispose();
        }

        _reader.Dispose();
        _synced.Dispose();
        _failed.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var started = _time.GetTimestamp();
        try
        {
            await foreach (var buffer in _queued.Reader.ReadAllAsync(Token))
            {
                var frame = buffer.Frame;
                if (_dropAfterBytes is { } drop && BytesSent + frame.Length > drop)
                {
                    var part = (int)Math.Max(0, drop - BytesSent);
                    await _socket.SendAsync(frame[..part], SocketFlags.None, Token);
                    Interlocked.Add(ref _bytesSent, part);
                    _socket.Shutdown(SocketShutdown.Both);
                    Fail($"connection to the destination cut after {BytesSent} bytes (injected fault)");
                    return;
                }

                await _socket.SendAsync(frame, SocketFlags.None, Token);
                var sent = Interlocked.Add(ref _bytesSent, frame.Length);
                _free.Writer.TryWrite(buffer);
                if (_limitBytesPerSecond > 0)
                {
                    var due = TimeSpan.FromSeconds(sent / _limitBytesPerSecond) - _time.GetElapsedTime(started);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, _time, Token);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
            // Failed elsewhere or cancelled by the caller.
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // A destination that refuses a page says why and closes; its reason, read by the reader task, is the better one.
            await Task.WhenAny(_reading, Task.Delay(ReasonWait, _time, CancellationToken.None));
            Fail($"connection to the destination lost after {BytesSent} bytes: {Describe(e)}");
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (!Token.IsCancellationRequested)
            {
                var frame = await _reader.ReadAsync(Token);
                if (frame is null)
                {
                    if (!_acked.Task.IsCompleted)
                    {
                        Fail($"the destination closed the connection after {BytesSent} bytes");
                    }

                    return;
                }

                ReadAnswer(frame.Value, expectHelloAck: false);
            }
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
            // Failed elsewhere or cancelled by the caller.
        }
        catch (MigrationFailedException e)
        {
            Fail(e.Message);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Fail($"connection to the destination lost after {BytesSent} bytes: {Describe(e)}");
        }
    }

    private void ReadAnswer(ReadOnlyMemory<byte> frame, bool expectHelloAck)
    {
        try
        {
            var reader = new MessagePackReader(frame);
            switch (PageFrames.ReadKind(ref reader, out _))
            {
                case FrameKind.HelloAck when expectHelloAck:
                    return;
                case FrameKind.Ack when !expectHelloAck:
                    _acked.TrySetResult();
                    return;
                case FrameKind.SyncAck when !expectHelloAck:
                    _synced.Release();
                    return;
                case FrameKind.Error:
                    var reason = reader.ReadString() ?? "no reason given";
                    if (reader.ReadBoolean() && !expectHelloAck)
                    {
                        _versionsWanted.TrySetResult();
                        return;
                    }

                    Fail("destination: " + reason);
                    return;
                case var other:
                    Fail($"unexpected {other} frame from the destination");
                    return;
            }
        }
        catch (MessagePackSerializationException e)
        {
            Fail($"malformed frame from the destination: {e.Message}");
        }
    }

    private static string Describe(Exception e) => e is SocketException s ? s.SocketErrorCode.ToString() : e.Message;
}
