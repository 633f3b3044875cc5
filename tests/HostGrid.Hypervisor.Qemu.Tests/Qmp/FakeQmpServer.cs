using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace HostGrid.Hypervisor.Qemu.Tests.Qmp;

/// <summary>
/// Plays QEMU's side of QMP on a unix socket in a temp directory: sends the greeting, insists on
/// <c>qmp_capabilities</c> first (answering anything else with QEMU's CommandNotFound), then answers each request
/// with <see cref="Respond"/>. Tests can also push lines, split them across writes, and drop the connection.
/// </summary>
internal sealed class FakeQmpServer : IAsyncDisposable
{
    public const string Greeting =
        """{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "fake"}, "capabilities": ["oob"]}}""";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private readonly string _directory;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly Channel<JsonObject> _requests = Channel.CreateUnbounded<JsonObject>();
    private readonly ConcurrentQueue<JsonObject> _received = new();
    private readonly TaskCompletionSource<NetworkStream> _connection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private bool _greet = true;
    private bool _bound;
    private Task _serve = Task.CompletedTask;

    private FakeQmpServer()
    {
        // Short: a unix socket path must fit in 108 bytes.
        _directory = Path.Combine(Path.GetTempPath(), "qmp-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        SocketPath = Path.Combine(_directory, "qmp.sock");
    }

    public string SocketPath { get; }

    /// <summary>
    /// Lines to send, in one write, in answer to a request after negotiation; by default <c>{"return": {}}</c>.
    /// Return none to answer later with <see cref="SendLinesAsync"/>.
    /// </summary>
    public Func<JsonObject, IEnumerable<string>> Respond { get; set; } = request => [Reply(request, "{}")];

    /// <summary>Every request the client sent, <c>qmp_capabilities</c> included, in order.</summary>
    public IReadOnlyList<JsonObject> Received => [.. _received];

    /// <summary>A server whose socket file does not exist yet; call <see cref="Bind"/> and <see cref="Listen"/>.</summary>
    public static FakeQmpServer Create() => new();

    /// <summary>A server already accepting its one client.</summary>
    public static FakeQmpServer Start() => Create().Listen();

    /// <summary>
    /// A server that accepts the connection but never greets, like QEMU's monitor while another client holds it.
    /// </summary>
    public static FakeQmpServer StartSilent()
    {
        var server = Create();
        server._greet = false;
        return server.Listen();
    }

    /// <summary>Creates the socket file without listening, so connects are refused.</summary>
    public FakeQmpServer Bind()
    {
        if (!_bound)
        {
            _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            _bound = true;
        }

        return this;
    }

    public FakeQmpServer Listen()
    {
        Bind();
        _listener.Listen(1);
        _serve = Task.Run(ServeAsync);
        return this;
    }

    /// <summary>The next request after negotiation, e.g. to answer it by hand.</summary>
    public async Task<JsonObject> NextRequestAsync()
    {
        try
        {
            return await _requests.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"fake QMP server: no request from the client within {Bound}");
        }
    }

    /// <summary>Sends the lines in a single write, each followed by a newline.</summary>
    public Task SendLinesAsync(params string[] lines) => SendRawAsync(string.Concat(lines.Select(line => line + "\n")));

    /// <summary>Sends exactly <paramref name="text"/> in one write: part of a line, or several.</summary>
    public async Task SendRawAsync(string text)
    {
        var stream = await _connection.Task.WaitAsync(Bound);
        await _writeLock.WaitAsync(_stop.Token);
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), _stop.Token);
            await stream.FlushAsync(_stop.Token);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the client's connection, as QEMU does when it exits.</summary>
    public async Task CloseConnectionAsync()
    {
        var stream = await _connection.Task.WaitAsync(Bound);
        stream.Socket.Shutdown(SocketShutdown.Both);
        await stream.DisposeAsync();
    }

    public static string Reply(JsonObject request, string returnJson) =>
        $$"""{"return": {{returnJson}}, "id": {{request["id"]?.ToJsonString() ?? "null"}}}""";

    public static string Error(JsonObject request, string errorClass, string description) =>
        new JsonObject
        {
            ["error"] = new JsonObject { ["class"] = errorClass, ["desc"] = description },
            ["id"] = request["id"]?.DeepClone(),
        }.ToJsonString();

    public static string Event(string name, string? dataJson = null, long seconds = 1_700_000_000, long microseconds = 250_000) =>
        dataJson is null
            ? $$"""{"timestamp": {"seconds": {{seconds}}, "microseconds": {{microseconds}}}, "event": "{{name}}"}"""
            : $$"""{"timestamp": {"seconds": {{seconds}}, "microseconds": {{microseconds}}}, "event": "{{name}}", "data": {{dataJson}}}""";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        if (_connection.Task.IsCompletedSuccessfully)
        {
            await _connection.Task.Result.DisposeAsync();
        }

        await _serve;
        _stop.Dispose();
        _writeLock.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task ServeAsync()
    {
        try
        {
            var socket = await _listener.AcceptAsync(_stop.Token);
            var stream = new NetworkStream(socket, ownsSocket: true);
            _connection.TrySetResult(stream);
            if (!_greet)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }

            await SendLinesAsync(Greeting);

            using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            var negotiated = false;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var request = JsonNode.Parse(line)?.AsObject() ?? throw new InvalidDataException($"client sent {line}");
                _received.Enqueue(request);
                var command = (string?)request["execute"];
                if (!negotiated)
                {
                    negotiated = command == "qmp_capabilities";
                    await SendLinesAsync(negotiated
                        ? Reply(request, "{}")
                        : Error(request, "CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'"));
                    continue;
                }

                await _requests.Writer.WriteAsync(request);
                var replies = Respond(request).ToArray();
                if (replies.Length > 0)
                {
                    await SendLinesAsync(replies);
                }
            }

            _requests.Writer.TryComplete();
        }
        catch (Exception stopped) when (stopped is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            _requests.Writer.TryComplete();
        }
        catch (Exception broken)
        {
            // A client bug (e.g. a line that is not JSON) surfaces in the test waiting for the next request.
            _requests.Writer.TryComplete(broken);
        }
        finally
        {
            _connection.TrySetCanceled();
        }
    }
}
