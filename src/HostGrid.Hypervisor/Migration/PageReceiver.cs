using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Migration;
using HostGrid.Hypervisor.Simulated;
using MessagePack;

namespace HostGrid.Hypervisor.Migration;

/// <summary>
/// The destination end of one migration: listens on an ephemeral port, accepts exactly one connection presenting the token and
/// the ticket's operation, checks every page's content against its version as it arrives, and at the final frame that every
/// page arrived at the source's final version (no page missing, and the digests of the version tables equal: both O(1), kept
/// up to date page by page). The pages land in the guest memory the copy will run in, handed over at activation. It stops
/// listening once the source is connected, when aborted, or when <c>timeout</c> (and a short grace, so the source times out
/// first) passes without a verified copy.
/// </summary>
internal sealed class PageReceiver : IAsyncDisposable
{
    private const string WantVersions = "\0want versions";
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    // The source's timeout decides (it names the phase and round); the destination's only catches a source that vanished, so it
    // waits a little longer rather than racing it and turning the source's reason into "connection closed".
    private static readonly TimeSpan SourceTimeoutGrace = TimeSpan.FromSeconds(5);

    private readonly MigrationTicket _ticket;
    private readonly Socket _listener;
    private readonly GuestMemory _memory;
    private readonly ulong _seed;
    private readonly CancellationTokenSource _stop;
    private readonly TimeProvider _time;
    private readonly string _token;
    private Task _run = Task.CompletedTask;
    private int _state;
    private string? _failure;
    private Socket? _connection;

    private PageReceiver(MigrationTicket ticket, GuestSpec spec, Socket listener, TimeSpan timeout, TimeProvider time)
    {
        _ticket = ticket;
        Spec = spec;
        _listener = listener;
        _time = time;
        _memory = GuestMemory.Incoming(ticket.VmId, spec.Resources.MemoryMib);
        _seed = PageContent.Seed(ticket.VmId);
        _token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _stop = new CancellationTokenSource(timeout + SourceTimeoutGrace, time);
        var local = (IPEndPoint)listener.LocalEndPoint!;
        Endpoint = new MigrationEndpoint(local.Address.ToString(), local.Port, _token);
    }

    public MigrationEndpoint Endpoint { get; }

    public MigrationTicket Ticket => _ticket;

    public GuestSpec Spec { get; }

    public IncomingState State => (IncomingState)Volatile.Read(ref _state);

    /// <summary>Why the copy failed, once it has.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    public long BytesReceived { get; private set; }

    public long PagesReceived { get; private set; }

    /// <summary>Binds to <paramref name="address"/> on an ephemeral port and starts accepting.</summary>
    public static PageReceiver Start(MigrationTicket ticket, GuestSpec spec, IPAddress address, TimeSpan timeout, TimeProvider time)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(address, 0));
            listener.Listen(4);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var receiver = new PageReceiver(ticket, spec, listener, timeout, time);
        receiver._run = Task.Run(receiver.RunAsync, CancellationToken.None);
        return receiver;
    }

    /// <summary>The verified copy, to run as the guest's memory (nothing writes it here once verified, so it is handed over as it is).</summary>
    public GuestMemory Memory => State == IncomingState.Verified
        ? _memory
        : throw new InvalidOperationException($"incoming copy is {State}");

    public async ValueTask DisposeAsync()
    {
        Fail("aborted");
        await _stop.CancelAsync();
        _listener.Dispose();
        _connection?.Dispose();
        await _run;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            using var connection = await AcceptAsync();
            if (connection is null)
            {
                return;
            }

            _listener.Dispose(); // exactly one connection
            Volatile.Write(ref _state, (int)IncomingState.Receiving);
            await ReceiveAsync(connection);
        }
        catch (OperationCanceledException)
        {
            Fail(State == IncomingState.Listening ? "the source never connected before the timeout" : "timed out before the copy was verified");
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Fail($"connection from the source lost after {BytesReceived} bytes ({PagesReceived} pages): {(e is SocketException s ? s.SocketErrorCode : e.Message)}");
        }
        catch (MigrationFailedException e)
        {
            Fail(e.Message);
        }
        finally
        {
            _listener.Dispose();
        }
    }

    /// <summary>Accepts until a connection presents the right token and ticket; others are told why and closed.</summary>
    private async Task<Socket?> AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var candidate = await _listener.AcceptAsync(_stop.Token);
            candidate.NoDelay = true;
            using var hello = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            hello.CancelAfter(HelloTimeout);
            string? refusal;
            try
            {
                using var reader = new FrameReader(candidate, 256);
                var frame = await reader.ReadAsync(hello.Token);
                refusal = frame is null ? "closed before hello" : CheckHello(frame.Value);
            }
            catch (Exception e) when (e is MigrationFailedException or MessagePackSerializationException or SocketException or OperationCanceledException)
            {
                if (_stop.IsCancellationRequested)
                {
                    candidate.Dispose();
                    throw;
                }

                refusal = "no valid hello: " + e.Message;
            }

            if (refusal is null)
            {
                await SendAsync(candidate, b => PageFrames.WriteSignal(b, FrameKind.HelloAck));
                _connection = candidate;
                return candidate;
            }

            await TrySendErrorAsync(candidate, refusal, wantVersions: false);
            candidate.Dispose();
        }

        return null;
    }

    private string? CheckHello(ReadOnlyMemory<byte> frame)
    {
        var reader = new MessagePackReader(frame);
        if (PageFrames.ReadKind(ref reader, out _) != FrameKind.Hello)
        {
            return "expected hello";
        }

        var protocol = reader.ReadInt32();
        var token = reader.ReadString();
        var operation = reader.ReadString();
        var vm = reader.ReadString();
        var pages = reader.ReadInt32();
        return protocol != PageFrames.Protocol ? $"protocol {protocol} is not {PageFrames.Protocol}"
            : !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token ?? ""), Encoding.UTF8.GetBytes(_token)) ? "wrong token"
            : operation != _ticket.OperationId ? $"operation {operation} is not {_ticket.OperationId}"
            : vm != _ticket.VmId.Value ? $"vm {vm} is not {_ticket.VmId}"
            : pages != _memory.PageCount ? $"source has {pages} pages, destination expects {_memory.PageCount}"
            : null;
    }

    private async Task ReceiveAsync(Socket connection)
    {
        using var reader = new FrameReader(connection, PageFrames.Capacity(SimulatedHypervisorOptions.DefaultMigrationFramePages));
        var indexes = new int[4096];
        var versions = new long[4096];
        while (true)
        {
            var frame = await reader.ReadAsync(_stop.Token)
                ?? throw new MigrationFailedException($"the source closed the connection after {BytesReceived} bytes ({PagesReceived} pages) without switching over");
            BytesReceived = reader.BytesRead;
            string? problem;
            try
            {
                problem = Handle(frame, indexes, versions, out var reply);
                if (problem is null && reply == FrameKind.Ack)
                {
                    Volatile.Write(ref _state, (int)IncomingState.Verified);
                    await SendAsync(connection, b => PageFrames.WriteSignal(b, FrameKind.Ack));
                    return;
                }

                if (problem is null && reply == FrameKind.SyncAck)
                {
                    await SendAsync(connection, b => PageFrames.WriteSignal(b, FrameKind.SyncAck));
                    continue;
                }
            }
            catch (MessagePackSerializationException e)
            {
                problem = "malformed frame from the source: " + e.Message;
            }

            if (problem == WantVersions)
            {
                await TrySendErrorAsync(connection, "version checksum differs from the source's", wantVersions: true);
                continue;
            }

            if (problem is not null)
            {
                Fail(problem);
                await TrySendErrorAsync(connection, problem, wantVersions: false);
                return;
            }
        }
    }

    /// <summary>Applies one frame; returns a problem (the migration fails with it) or null, and the answer it needs, if any.</summary>
    private string? Handle(ReadOnlyMemory<byte> frame, int[] indexes, long[] versions, out FrameKind? reply)
    {
        reply = null;
        var reader = new MessagePackReader(frame);
        switch (PageFrames.ReadKind(ref reader, out _))
        {
            case FrameKind.Pages:
                {
                    var round = reader.ReadInt32();
                    var count = reader.ReadArrayHeader();
                    if (count > indexes.Length)
                    {
                        return $"frame of {count} pages is larger than {indexes.Length}";
                    }

                    for (var i = 0; i < count; i++)
                    {
                        indexes[i] = reader.ReadInt32();
                    }

                    if (reader.ReadArrayHeader() != count)
                    {
                        return "frame has not one version per page";
                    }

                    for (var i = 0; i < count; i++)
                    {
                        versions[i] = reader.ReadInt64();
                    }

                    var contents = PageFrames.ReadBin(ref reader);
                    if (contents.Length != count * PageContent.PageSize)
                    {
                        return $"frame carries {contents.Length} bytes for {count} pages";
                    }

                    for (var i = 0; i < count; i++)
                    {
                        var page = indexes[i];
                        if ((uint)page >= (uint)_memory.PageCount)
                        {
                            return $"page {page} is outside the guest's {_memory.PageCount} pages";
                        }

                        var held = _memory.Version(page);
                        if (versions[i] < held || versions[i] < 0)
                        {
                            return Invariant($"page {page} arrived at version {versions[i]} after version {held} (stale) in round {round}");
                        }

                        if (!PageContent.Matches(contents.Slice(i * PageContent.PageSize, PageContent.PageSize), _seed, page, versions[i]))
                        {
                            return Invariant($"page {page} arrived corrupt in round {round}: its content does not match version {versions[i]}");
                        }

                        _memory.Receive(page, versions[i]);
                    }

                    PagesReceived += count;
                    return null;
                }

            case FrameKind.Final:
                {
                    var pages = reader.ReadInt32();
                    var digest = reader.ReadUInt64();
                    if (pages != _memory.PageCount)
                    {
                        return $"source finished with {pages} pages, destination expects {_memory.PageCount}";
                    }

                    if (_memory.Missing is var missing and > 0)
                    {
                        return Invariant($"page {_memory.FirstMissing()} was never received ({missing} pages missing at switch-over)");
                    }

                    if (_memory.Checksum() != digest)
                    {
                        return WantVersions;
                    }

                    reply = FrameKind.Ack;
                    return null;
                }

            case FrameKind.Sync:
                reply = FrameKind.SyncAck;
                return null;

            case FrameKind.VersionTable:
                {
                    var source = PageFrames.ReadVersionTable(ref reader);
                    for (var page = 0; page < Math.Min(source.Length, _memory.PageCount); page++)
                    {
                        if (source[page] != _memory.Version(page))
                        {
                            return Invariant($"page {page} is at version {_memory.Version(page)} here but {source[page]} on the source (stale page at switch-over)");
                        }
                    }

                    return "version checksum differs from the source's, but no page does (checksum of a different table)";
                }

            case var other:
                return $"unexpected {other} frame from the source";
        }
    }

    private void Fail(string reason)
    {
        if (Interlocked.CompareExchange(ref _failure, reason, null) is null)
        {
            Volatile.Write(ref _state, (int)IncomingState.Failed);
        }
    }

    private async Task SendAsync(Socket socket, Action<FrameBuffer> write)
    {
        using var buffer = new FrameBuffer(256);
        write(buffer);
        await socket.SendAsync(buffer.Frame, SocketFlags.None, _stop.Token);
    }

    private async Task TrySendErrorAsync(Socket socket, string reason, bool wantVersions)
    {
        try
        {
            await SendAsync(socket, b => PageFrames.WriteError(b, reason, wantVersions));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The source is gone already; the failure is recorded here.
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
