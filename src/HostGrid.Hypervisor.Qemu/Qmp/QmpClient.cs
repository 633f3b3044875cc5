using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HostGrid.Hypervisor.Qemu.Qmp;

/// <summary>
/// A client for QEMU's QMP monitor on a unix socket. One background loop reads replies, matched to commands by
/// their <c>"id"</c>, and events; writes are serialized, so the client may be used from several tasks at once.
/// </summary>
/// <remarks>
/// A lost connection shows as <see cref="QmpConnectionClosedException"/> (an <see cref="IOException"/>) from
/// pending and later commands and event waits, and as <see cref="Closed"/> completing.
/// </remarks>
public sealed class QmpClient : IAsyncDisposable
{
    // Replies such as query-migrate run to tens of KB; longer lines still work, in more reads.
    private const int ReadBufferSize = 16 * 1024;

    // Pause between connect attempts while QEMU has not yet created the socket or is not yet listening on it.
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(10);
    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");

    private readonly string _socketPath;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();

    // Guards _waiters and the close state, so a command or wait either registers before the close fails it or sees the close.
    private readonly Lock _stateLock = new();
    private readonly List<EventWaiter> _waiters = [];
    private volatile bool _isClosed;
    private string? _closeReason;
    private Exception? _closeError;

    private Task _readLoop = Task.CompletedTask;
    private TimeSpan _commandTimeout = DefaultCommandTimeout;
    private long _nextId;
    private int _disposed;

    private QmpClient(string socketPath, Socket socket)
    {
        _socketPath = socketPath;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false, ReadBufferSize);
    }

    /// <summary>Timeout of <see cref="ExecuteAsync(string, JsonObject?, CancellationToken)"/>.</summary>
    /// <value>10 seconds by default; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</value>
    public TimeSpan CommandTimeout
    {
        get => _commandTimeout;
        set
        {
            ValidateTimeout(value, nameof(value));
            _commandTimeout = value;
        }
    }

    /// <summary>
    /// Raised for every asynchronous event, on the reader loop: handlers must be quick. Exceptions from handlers are
    /// swallowed so that one bad handler cannot stop the client.
    /// </summary>
    public event Action<QmpEvent>? EventReceived;

    /// <summary>Completes (never faults) when the connection closes: QEMU exited or closed the socket, or the client was disposed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Whether the connection is still open.</summary>
    public bool IsConnected => !_isClosed;

    /// <summary>
    /// Connects to QEMU's QMP socket, reads the greeting and negotiates capabilities (<c>qmp_capabilities</c>).
    /// Retries while the socket file does not exist yet or refuses the connection.
    /// </summary>
    /// <param name="socketPath">The path given to QEMU's <c>-qmp unix:PATH,server=on</c>.</param>
    /// <param name="connectTimeout">Bounds the whole connect: retries, greeting and negotiation.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="TimeoutException">Not connected and negotiated within <paramref name="connectTimeout"/>; names the path.</exception>
    /// <exception cref="QmpConnectionClosedException">QEMU closed the connection during the handshake.</exception>
    /// <exception cref="InvalidDataException">The socket did not speak QMP.</exception>
    public static async Task<QmpClient> ConnectAsync(string socketPath, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        ValidateTimeout(connectTimeout, nameof(connectTimeout));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(connectTimeout);
        var endpoint = new UnixDomainSocketEndPoint(socketPath);
        SocketException? lastRefusal = null;
        var stage = "no connection";
        QmpClient? client = null;
        try
        {
            while (client is null)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(endpoint, deadline.Token);
                    client = new QmpClient(socketPath, socket);
                }
                catch (SocketException refused)
                {
                    // Not created yet (ENOENT) or not listening yet (ECONNREFUSED): QEMU is still starting.
                    socket.Dispose();
                    lastRefusal = refused;
                    await Task.Delay(ConnectRetryDelay, deadline.Token);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            stage = "no QMP greeting";
            await client.ReadGreetingAsync(deadline.Token);
            client._readLoop = Task.Run(client.ReadLoopAsync, CancellationToken.None);

            stage = "no reply to qmp_capabilities";
            await client.ExecuteAsync("qmp_capabilities", null, Timeout.InfiniteTimeSpan, deadline.Token);
            return client;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }

            throw new TimeoutException($"QMP socket {socketPath}: {stage} within {Describe(connectTimeout)}", lastRefusal);
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Runs a command with <see cref="CommandTimeout"/>; see <see cref="ExecuteAsync(string, JsonObject?, TimeSpan, CancellationToken)"/>.</summary>
    public Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(command, arguments, CommandTimeout, cancellationToken);

    /// <summary>
    /// Sends <c>{"execute": command, "arguments": arguments, "id": N}</c> and returns the reply's <c>"return"</c>
    /// element (safe to keep after the call).
    /// </summary>
    /// <param name="command">The QMP command, e.g. <c>query-status</c>.</param>
    /// <param name="arguments">The command's arguments, or null for none. Not modified.</param>
    /// <param name="timeout">Bounds the send and the wait for the reply.</param>
    /// <param name="cancellationToken">Stops waiting; a reply arriving later is ignored.</param>
    /// <exception cref="QmpException">QEMU replied with an error.</exception>
    /// <exception cref="TimeoutException">No reply within <paramref name="timeout"/>; names the command.</exception>
    /// <exception cref="QmpConnectionClosedException">The connection closed before the reply.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        ExecuteAsync(command, arguments, descriptor: null, timeout, cancellationToken);

    /// <summary>
    /// Hands QEMU a copy of an open file descriptor under <paramref name="name"/> (<c>getfd</c>, the descriptor passed
    /// with SCM_RIGHTS), for commands that take <c>fd:NAME</c>. A later one of the same name replaces it.
    /// </summary>
    /// <exception cref="QmpException">QEMU refused it.</exception>
    public async Task PassDescriptorAsync(string name, SafeHandle descriptor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(descriptor);
        await ExecuteAsync("getfd", new JsonObject { ["fdname"] = name }, descriptor, CommandTimeout, cancellationToken);
    }

    private async Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments, SafeHandle? descriptor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ValidateTimeout(timeout, nameof(timeout));
        cancellationToken.ThrowIfCancellationRequested();

        var id = Interlocked.Increment(ref _nextId);
        var request = Serialize(command, arguments, id);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stateLock)
        {
            if (_isClosed)
            {
                throw ClosedException();
            }

            _pending[id] = reply;
        }

        using var timeoutSource = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        JsonElement response;
        try
        {
            await SendAsync(request, descriptor, linked.Token);
            response = await reply.Task.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException canceled) when (!cancellationToken.IsCancellationRequested && timeoutSource.IsCancellationRequested)
        {
            throw new TimeoutException($"QMP {command} on {_socketPath}: no reply within {Describe(timeout)}", canceled);
        }
        catch (OperationCanceledException canceled) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"QMP {command} on {_socketPath} cancelled", canceled, cancellationToken);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }

        if (response.TryGetProperty("error", out var error))
        {
            throw new QmpException(command, GetString(error, "class") ?? "GenericError", GetString(error, "desc") ?? "");
        }

        return response.GetProperty("return");
    }

    /// <summary>
    /// Waits for the first event named <paramref name="name"/> that <paramref name="match"/> accepts. The wait is
    /// registered before this method returns, so a caller may start it and then send the command that causes the event.
    /// </summary>
    /// <param name="name">The event name, e.g. <c>STOP</c>.</param>
    /// <param name="match">Filters events of that name; null accepts the first. Runs on the reader loop; if it throws, the wait faults with that exception.</param>
    /// <param name="timeout">Bounds the wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="TimeoutException">No matching event within <paramref name="timeout"/>; names the event.</exception>
    /// <exception cref="QmpConnectionClosedException">The connection closed first.</exception>
    public Task<QmpEvent> WaitForEventAsync(string name, Func<QmpEvent, bool>? match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ValidateTimeout(timeout, nameof(timeout));

        var waiter = new EventWaiter(name, match);
        lock (_stateLock)
        {
            if (_isClosed)
            {
                return Task.FromException<QmpEvent>(ClosedException());
            }

            _waiters.Add(waiter);
        }

        return AwaitEventAsync(waiter, timeout, cancellationToken);
    }

    /// <summary>Closes the connection; pending commands and event waits fail with <see cref="QmpConnectionClosedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close("client disposed", null);
        await _stop.CancelAsync();
        await _stream.DisposeAsync(); // also closes the socket, which ends a pending read
        await _readLoop;
        _reader.Dispose();
        _stop.Dispose();
    }

    private async Task ReadGreetingAsync(CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new QmpConnectionClosedException(_socketPath, "closed before the QMP greeting");
        JsonElement greeting;
        try
        {
            greeting = JsonElement.Parse(line);
        }
        catch (JsonException invalid)
        {
            throw new InvalidDataException($"QMP socket {_socketPath}: expected the QMP greeting, got {Excerpt(line)}", invalid);
        }

        if (greeting.ValueKind != JsonValueKind.Object || !greeting.TryGetProperty("QMP", out _))
        {
            throw new InvalidDataException($"QMP socket {_socketPath}: expected the QMP greeting, got {Excerpt(line)}");
        }
    }

    private async Task SendAsync(byte[] request, SafeHandle? descriptor, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);

        // Once started, a write is not cancelled (half a line would corrupt QEMU's parser): the caller stops waiting
        // for it instead, and the lock is released when the write ends.
        await WriteAndReleaseAsync(request, descriptor).WaitAsync(cancellationToken);
    }

    private async Task WriteAndReleaseAsync(byte[] request, SafeHandle? descriptor)
    {
        try
        {
            if (descriptor is null)
            {
                await _stream.WriteAsync(request);
            }
            else
            {
                UnixDescriptors.Send(_stream.Socket, request, descriptor);
            }
        }
        catch (Exception broken) when (broken is IOException or SocketException or ObjectDisposedException)
        {
            throw ClosedException(broken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        string? reason = null;
        Exception? error = null;
        try
        {
            while (await _reader.ReadLineAsync(_stop.Token) is { } line)
            {
                Dispatch(line);
            }
        }
        catch (Exception broken)
        {
            // Usually the socket breaking; after DisposeAsync the read is cancelled, but its own reason is recorded first.
            // Anything else must close the client too, or commands would wait for replies nobody reads.
            reason = broken.Message;
            error = broken;
        }

        Close(reason, error);
        await _stream.DisposeAsync();
    }

    private void Dispatch(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        JsonElement message;
        try
        {
            message = JsonElement.Parse(line);
        }
        catch (JsonException)
        {
            return; // QEMU sends only JSON; there is nothing to match a broken line with.
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (message.TryGetProperty("event", out var name) && name.ValueKind == JsonValueKind.String)
        {
            Publish(new QmpEvent(name.GetString()!, GetData(message), GetTimestamp(message)));
        }
        else if ((message.TryGetProperty("return", out _) || message.TryGetProperty("error", out _))
                 && TryGetId(message, out var id)
                 && _pending.TryRemove(id, out var reply))
        {
            reply.TrySetResult(message);
        }

        // Anything else is ignored: a reply whose command timed out or was cancelled, or an error without an id.
    }

    private void Publish(QmpEvent qmpEvent)
    {
        EventWaiter[] waiters;
        lock (_stateLock)
        {
            waiters = [.. _waiters];
        }

        foreach (var waiter in waiters)
        {
            waiter.Offer(qmpEvent);
        }

        if (EventReceived is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<QmpEvent>>())
        {
            try
            {
                handler(qmpEvent);
            }
            catch (Exception)
            {
                // A throwing handler must neither end the reader loop nor keep the other handlers from the event.
            }
        }
    }

    private async Task<QmpEvent> AwaitEventAsync(EventWaiter waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await waiter.Event.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException late)
        {
            throw new TimeoutException($"QMP {_socketPath}: no {waiter.Name} event within {Describe(timeout)}", late);
        }
        finally
        {
            lock (_stateLock)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private void Close(string? reason, Exception? error)
    {
        EventWaiter[] waiters;
        lock (_stateLock)
        {
            if (_isClosed)
            {
                return;
            }

            _closeReason = reason;
            _closeError = error;
            _isClosed = true;
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var reply in _pending.Values)
        {
            reply.TrySetException(ClosedException());
        }

        foreach (var waiter in waiters)
        {
            waiter.Fail(ClosedException());
        }

        _closed.TrySetResult();
    }

    private QmpConnectionClosedException ClosedException(Exception? error = null) =>
        _isClosed
            ? new QmpConnectionClosedException(_socketPath, _closeReason, _closeError ?? error)
            : new QmpConnectionClosedException(_socketPath, error?.Message, error);

    private static byte[] Serialize(string command, JsonObject? arguments, long id)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("execute", command);
            if (arguments is not null)
            {
                writer.WritePropertyName("arguments");
                arguments.WriteTo(writer);
            }

            writer.WriteNumber("id", id);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    // QEMU echoes the id as it was sent (a number here), but a string id is accepted too.
    private static bool TryGetId(JsonElement message, out long id)
    {
        id = 0;
        if (!message.TryGetProperty("id", out var value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out id),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out id),
            _ => false,
        };
    }

    private static JsonElement GetData(JsonElement message) =>
        message.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data : EmptyObject;

    private static DateTimeOffset GetTimestamp(JsonElement message)
    {
        // QEMU sends {"seconds": -1, "microseconds": -1} when it could not read the clock.
        const long MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        if (message.TryGetProperty("timestamp", out var timestamp)
            && timestamp.ValueKind == JsonValueKind.Object
            && timestamp.TryGetProperty("seconds", out var secondsValue)
            && secondsValue.TryGetInt64(out var seconds)
            && seconds is >= 0 and < MaxSeconds)
        {
            var microseconds = timestamp.TryGetProperty("microseconds", out var microsecondsValue) && microsecondsValue.TryGetInt64(out var us) && us is >= 0 and < 1_000_000 ? us : 0;
            return DateTimeOffset.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (microseconds * TimeSpan.TicksPerMicrosecond));
        }

        return DateTimeOffset.UnixEpoch;
    }

    private static string? GetString(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static void ValidateTimeout(TimeSpan timeout, string parameterName)
    {
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, parameterName);
        }
    }

    private static string Describe(TimeSpan timeout) => $"{timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static string Excerpt(string line) => line.Length <= 200 ? line : string.Concat(line.AsSpan(0, 200), "...");

    /// <summary>One <see cref="WaitForEventAsync"/> call, registered until it completes.</summary>
    private sealed class EventWaiter(string name, Func<QmpEvent, bool>? match)
    {
        private readonly TaskCompletionSource<QmpEvent> _event = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => name;

        public Task<QmpEvent> Event => _event.Task;

        public void Offer(QmpEvent qmpEvent)
        {
            if (_event.Task.IsCompleted || !string.Equals(qmpEvent.Name, name, StringComparison.Ordinal))
            {
                return;
            }

            try
            {
                if (match is null || match(qmpEvent))
                {
                    _event.TrySetResult(qmpEvent);
                }
            }
            catch (Exception filterFailed)
            {
                // The caller's filter failing fails the caller's wait, not the reader loop.
                _event.TrySetException(filterFailed);
            }
        }

        public void Fail(Exception error) => _event.TrySetException(error);
    }
}
