using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using HostGrid.Hypervisor.Qemu.Qmp;
using Xunit;

namespace HostGrid.Hypervisor.Qemu.Tests.Qmp;

public sealed class QmpClientTests
{
    // Bounds every wait in these tests; the short timeouts are those under test.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Connect_SendsCapabilitiesFirst_ThenCommandsWork()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = request => [FakeQmpServer.Reply(request, """{"status": "running", "singlestep": false, "running": true}""")];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var status = await client.ExecuteAsync("query-status").WaitAsync(Bound);
        await client.ExecuteAsync("device_del", new JsonObject { ["id"] = "nic0" }).WaitAsync(Bound);

        Assert.Equal("running", status.GetProperty("status").GetString());
        Assert.True(client.IsConnected);
        var requests = server.Received;
        Assert.Equal(["qmp_capabilities", "query-status", "device_del"], requests.Select(r => (string?)r["execute"]));
        Assert.Null(requests[1]["arguments"]);
        Assert.Equal("""{"id":"nic0"}""", requests[2]["arguments"]!.ToJsonString());
        Assert.Equal(3, requests.Select(r => (long)r["id"]!).Distinct().Count());
    }

    [Fact]
    public async Task Connect_SocketAppearsLate_RetriesUntilItExists()
    {
        await using var server = FakeQmpServer.Create();

        var connecting = QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        Assert.False(connecting.IsCompleted, "connect should wait for the socket file, not fail");
        server.Listen();
        await using var client = await connecting.WaitAsync(Bound);

        Assert.True(client.IsConnected);
        Assert.Equal("qmp_capabilities", (string?)Assert.Single(server.Received)["execute"]);
    }

    [Fact]
    public async Task Connect_SocketNotListeningYet_RetriesUntilAccepted()
    {
        await using var server = FakeQmpServer.Create().Bind();

        var connecting = QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        Assert.False(connecting.IsCompleted, "connect should retry a refused socket, not fail");
        server.Listen();
        await using var client = await connecting.WaitAsync(Bound);

        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Connect_NoSocket_TimesOutNamingPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "qmp-" + Guid.NewGuid().ToString("N")[..8], "qmp.sock");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => QmpClient.ConnectAsync(path, Short, None).WaitAsync(Bound));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NoGreeting_TimesOutNamingPath()
    {
        await using var server = FakeQmpServer.StartSilent();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => QmpClient.ConnectAsync(server.SocketPath, Short, None).WaitAsync(Bound));

        Assert.Contains(server.SocketPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("greeting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_Cancelled_ThrowsOperationCanceled()
    {
        var path = Path.Combine(Path.GetTempPath(), "qmp-" + Guid.NewGuid().ToString("N")[..8], "qmp.sock");
        using var cancel = new CancellationTokenSource();

        var connecting = QmpClient.ConnectAsync(path, Bound, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting.WaitAsync(Bound));
    }

    [Fact]
    public async Task Execute_ConcurrentCommands_RepliesCorrelatedById()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = _ => [];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var commands = new[] { "query-a", "query-b", "query-c" };
        var results = commands.Select(command => client.ExecuteAsync(command)).ToArray();
        var requests = new List<JsonObject>();
        for (var i = 0; i < commands.Length; i++)
        {
            requests.Add(await server.NextRequestAsync());
        }

        // Answer in reverse order, each reply saying which command it belongs to.
        foreach (var request in Enumerable.Reverse(requests))
        {
            await server.SendLinesAsync(FakeQmpServer.Reply(request, $$"""{"for": "{{(string?)request["execute"]}}"}"""));
        }

        var answers = await Task.WhenAll(results).WaitAsync(Bound);
        Assert.Equal(commands, answers.Select(answer => answer.GetProperty("for").GetString()));
    }

    [Fact]
    public async Task Execute_ReplyWithStringId_Correlated()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = request => [$$"""{"return": {"ok": 1}, "id": "{{(long)request["id"]!}}"}"""];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var result = await client.ExecuteAsync("query-status").WaitAsync(Bound);

        Assert.Equal(1, result.GetProperty("ok").GetInt32());
    }

    [Fact]
    public async Task Execute_ErrorReply_ThrowsQmpExceptionWithClassAndDescription()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = request => [FakeQmpServer.Error(request, "GenericError", "There's a migration process in progress")];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var error = await Assert.ThrowsAsync<QmpException>(
            () => client.ExecuteAsync("migrate", new JsonObject { ["uri"] = "tcp:10.0.0.2:4444" }).WaitAsync(Bound));

        Assert.Equal(("migrate", "GenericError", "There's a migration process in progress"), (error.Command, error.ErrorClass, error.Description));
        Assert.Equal("QMP migrate failed: GenericError: There's a migration process in progress", error.Message);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Execute_HumanMonitorCommand_ReturnsJsonString()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = request => [FakeQmpServer.Reply(request, "\"VM status: running\\r\\n\"")];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var output = await client.ExecuteAsync("human-monitor-command", new JsonObject { ["command-line"] = "info status" }).WaitAsync(Bound);

        Assert.Equal("VM status: running\r\n", output.GetString());
    }

    [Fact]
    public async Task Execute_NoReply_TimesOutNamingCommand()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = _ => [];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.ExecuteAsync("query-migrate", null, Short, None).WaitAsync(Bound));

        Assert.Contains("query-migrate", error.Message, StringComparison.Ordinal);
        Assert.Contains(server.SocketPath, error.Message, StringComparison.Ordinal);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Execute_DefaultTimeout_UsesCommandTimeout()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = _ => [];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        Assert.Equal(TimeSpan.FromSeconds(10), client.CommandTimeout);

        client.CommandTimeout = Short;
        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.ExecuteAsync("query-migrate").WaitAsync(Bound));

        Assert.Contains("query-migrate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_LateReplyAfterTimeout_IsIgnoredAndNextCommandWorks()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = _ => [];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        await Assert.ThrowsAsync<TimeoutException>(() => client.ExecuteAsync("query-slow", null, Short, None).WaitAsync(Bound));
        var slow = await server.NextRequestAsync();

        var next = client.ExecuteAsync("query-next");
        var nextRequest = await server.NextRequestAsync();
        await server.SendLinesAsync(FakeQmpServer.Reply(slow, """{"for": "query-slow"}"""));
        await server.SendLinesAsync(FakeQmpServer.Reply(nextRequest, """{"for": "query-next"}"""));

        Assert.Equal("query-next", (await next.WaitAsync(Bound)).GetProperty("for").GetString());
    }

    [Fact]
    public async Task Execute_ReplySplitAcrossWritesAndBatchedWithEvent_Parsed()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = _ => [];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        var events = new ConcurrentQueue<string>();
        client.EventReceived += e => events.Enqueue(e.Name);
        var second = client.WaitForEventAsync("SECOND", null, Bound, None);

        var pending = client.ExecuteAsync("query-migrate");
        var request = await server.NextRequestAsync();
        var blob = new string('x', 40_000); // query-migrate replies run to tens of KB
        var reply = FakeQmpServer.Reply(request, $$"""{"status": "active", "blob": "{{blob}}"}""");
        await server.SendRawAsync(FakeQmpServer.Event("FIRST") + "\n" + reply[..10]);
        await server.SendRawAsync(reply[10..^5]);
        await server.SendRawAsync(reply[^5..] + "\n" + FakeQmpServer.Event("SECOND") + "\n");

        var result = await pending.WaitAsync(Bound);
        await second.WaitAsync(Bound);
        Assert.Equal("active", result.GetProperty("status").GetString());
        Assert.Equal(blob, result.GetProperty("blob").GetString());
        Assert.Equal(["FIRST", "SECOND"], events);
    }

    [Fact]
    public async Task Execute_ResultKeptAfterLaterTraffic_StillReadable()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = request => [FakeQmpServer.Reply(request, $$"""{"n": {{(long)request["id"]!}}}""")];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var first = await client.ExecuteAsync("query-a").WaitAsync(Bound);
        for (var i = 0; i < 20; i++)
        {
            await client.ExecuteAsync("query-b").WaitAsync(Bound);
        }

        Assert.Equal(2, first.GetProperty("n").GetInt64());
    }

    [Fact]
    public async Task Event_DataAndTimestamp_Parsed()
    {
        await using var server = FakeQmpServer.Start();
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        var withData = client.WaitForEventAsync("BLOCK_JOB_COMPLETED", null, Bound, None);
        var withoutData = client.WaitForEventAsync("STOP", null, Bound, None);

        await server.SendLinesAsync(
            FakeQmpServer.Event("BLOCK_JOB_COMPLETED", """{"device": "drive0", "len": 1024}""", 1_700_000_000, 123_456),
            FakeQmpServer.Event("STOP"));

        var completed = await withData.WaitAsync(Bound);
        var stopped = await withoutData.WaitAsync(Bound);
        Assert.Equal("drive0", completed.Data.GetProperty("device").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddTicks(123_456 * TimeSpan.TicksPerMicrosecond), completed.Timestamp);
        Assert.Equal(JsonValueKind.Object, stopped.Data.ValueKind);
        Assert.Empty(stopped.Data.EnumerateObject());
    }

    [Fact]
    public async Task EventReceived_HandlerThrows_OtherHandlersAndCommandsStillWork()
    {
        await using var server = FakeQmpServer.Start();
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        var seen = new TaskCompletionSource<QmpEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.EventReceived += _ => throw new InvalidOperationException("handler bug");
        client.EventReceived += e => seen.TrySetResult(e);

        await server.SendLinesAsync(FakeQmpServer.Event("RESUME"));

        Assert.Equal("RESUME", (await seen.Task.WaitAsync(Bound)).Name);
        await client.ExecuteAsync("query-status").WaitAsync(Bound);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task WaitForEvent_EventBeforeReply_StillSeen()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = request => [FakeQmpServer.Event("STOP"), FakeQmpServer.Reply(request, "{}")];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var stopped = client.WaitForEventAsync("STOP", null, Bound, None);
        await client.ExecuteAsync("stop").WaitAsync(Bound);

        Assert.Equal("STOP", (await stopped.WaitAsync(Bound)).Name);
    }

    [Fact]
    public async Task WaitForEvent_Filter_SkipsNonMatching()
    {
        await using var server = FakeQmpServer.Start();
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var drive1 = client.WaitForEventAsync("BLOCK_JOB_COMPLETED", e => e.Data.GetProperty("device").GetString() == "drive1", Bound, None);
        await server.SendLinesAsync(
            FakeQmpServer.Event("BLOCK_JOB_COMPLETED", """{"device": "drive0"}"""),
            FakeQmpServer.Event("BLOCK_JOB_READY", """{"device": "drive1"}"""),
            FakeQmpServer.Event("BLOCK_JOB_COMPLETED", """{"device": "drive1", "offset": 7}"""));

        var completed = await drive1.WaitAsync(Bound);
        Assert.Equal(7, completed.Data.GetProperty("offset").GetInt32());
    }

    [Fact]
    public async Task WaitForEvent_Timeout_ThrowsNamingEvent()
    {
        await using var server = FakeQmpServer.Start();
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);

        var waiting = client.WaitForEventAsync("SHUTDOWN", null, Short, None);
        await server.SendLinesAsync(FakeQmpServer.Event("STOP"));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(Bound));
        Assert.Contains("SHUTDOWN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionClosed_PendingCommandFailsWithIOException_ClosedCompletes()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = _ => [];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        var pending = client.ExecuteAsync("query-status");
        var shutdown = client.WaitForEventAsync("SHUTDOWN", null, Bound, None);
        await server.NextRequestAsync();

        await server.CloseConnectionAsync();

        var error = await Assert.ThrowsAnyAsync<IOException>(() => pending.WaitAsync(Bound));
        Assert.Contains(server.SocketPath, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<IOException>(() => shutdown.WaitAsync(Bound));
        await client.Closed.WaitAsync(Bound);
        Assert.False(client.IsConnected);
        await Assert.ThrowsAnyAsync<IOException>(() => client.ExecuteAsync("query-status").WaitAsync(Bound));
        await Assert.ThrowsAnyAsync<IOException>(() => client.WaitForEventAsync("STOP", null, Bound, None).WaitAsync(Bound));
    }

    [Fact]
    public async Task Dispose_PendingCommand_FailsWithIOExceptionAndClosedCompletes()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = _ => [];
        var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        var pending = client.ExecuteAsync("query-status");
        await server.NextRequestAsync();

        await client.DisposeAsync().AsTask().WaitAsync(Bound);
        await client.DisposeAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => pending.WaitAsync(Bound));
        Assert.True(client.Closed.IsCompletedSuccessfully);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Cancel_Token_CancelsPendingCommand()
    {
        await using var server = FakeQmpServer.Start();
        server.Respond = _ => [];
        await using var client = await QmpClient.ConnectAsync(server.SocketPath, Bound, None);
        using var cancel = new CancellationTokenSource();
        var pending = client.ExecuteAsync("query-migrate", null, cancel.Token);
        var cancelled = await server.NextRequestAsync();

        await cancel.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Bound));
        Assert.Equal(cancel.Token, error.CancellationToken);
        server.Respond = request => [FakeQmpServer.Reply(request, """{"for": "query-next"}""")];
        await server.SendLinesAsync(FakeQmpServer.Reply(cancelled, """{"for": "query-migrate"}"""));
        var next = await client.ExecuteAsync("query-next").WaitAsync(Bound);
        Assert.Equal("query-next", next.GetProperty("for").GetString());
    }
}
