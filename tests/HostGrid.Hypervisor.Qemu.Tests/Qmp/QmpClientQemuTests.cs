using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using HostGrid.Hypervisor.Qemu.Guests;
using HostGrid.Hypervisor.Qemu.Qmp;
using Xunit;

namespace HostGrid.Hypervisor.Qemu.Tests.Qmp;

/// <summary>The QMP client against a real <c>qemu-system-x86_64</c> (TCG, no guest): status, stop/cont events, quit, descriptor passing.</summary>
[Trait("Category", "Qemu")]
public sealed class QmpClientQemuTests : IDisposable
{
    private const string Qemu = "qemu-system-x86_64";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "qmp-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly StringBuilder _stderr = new();
    private Process? _qemu;

    public void Dispose()
    {
        if (_qemu is { HasExited: false })
        {
            _qemu.Kill(entireProcessTree: true);
            _qemu.WaitForExit(5_000);
        }

        _qemu?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task RealQemu_StatusStopContQuit_EventsAndCloseSeen()
    {
        if (FindQemu() is not { } qemu)
        {
            return;
        }

        var socketPath = StartQemu(qemu);
        await using var client = await QmpClient.ConnectAsync(socketPath, Bound, None);

        var status = await client.ExecuteAsync("query-status").WaitAsync(Bound);
        Assert.Contains(status.GetProperty("status").GetString(), new[] { "prelaunch", "running" });

        var stopped = client.WaitForEventAsync("STOP", null, Bound, None);
        await client.ExecuteAsync("stop").WaitAsync(Bound);
        await stopped.WaitAsync(Bound);
        Assert.Equal("paused", (await client.ExecuteAsync("query-status").WaitAsync(Bound)).GetProperty("status").GetString());

        var resumed = client.WaitForEventAsync("RESUME", null, Bound, None);
        await client.ExecuteAsync("cont").WaitAsync(Bound);
        var resume = await resumed.WaitAsync(Bound);
        Assert.InRange(resume.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));

        var info = await client.ExecuteAsync("human-monitor-command", new JsonObject { ["command-line"] = "info status" }).WaitAsync(Bound);
        Assert.Contains("running", info.GetString(), StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("no-such-command").WaitAsync(Bound));
        Assert.Equal("CommandNotFound", error.ErrorClass);

        var shutdown = client.WaitForEventAsync("SHUTDOWN", null, Bound, None);
        try
        {
            await client.ExecuteAsync("quit").WaitAsync(Bound);
        }
        catch (QmpConnectionClosedException)
        {
            // QEMU may exit before its reply to quit is read; the close is what quit promises.
        }

        Assert.False((await shutdown.WaitAsync(Bound)).Data.GetProperty("guest").GetBoolean());
        await client.Closed.WaitAsync(Bound);
        Assert.False(client.IsConnected);
        await _qemu!.WaitForExitAsync().WaitAsync(Bound);
        Assert.True(_qemu.ExitCode == 0, $"qemu exited {_qemu.ExitCode}: {Stderr()}");
    }

    [Fact]
    public async Task RealQemu_PassDescriptor_QemuHoldsTheSocketUnderItsNameUntilClosefd()
    {
        if (FindQemu() is not { } qemu)
        {
            return;
        }

        await using var client = await QmpClient.ConnectAsync(StartQemu(qemu), Bound, None);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var ours = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await ours.ConnectAsync(listener.LocalEndPoint!).WaitAsync(Bound);
        using var peer = await listener.AcceptAsync().WaitAsync(Bound);

        using (var copy = UnixDescriptors.Duplicate(ours.SafeHandle))
        {
            await client.PassDescriptorAsync("probe", copy, None).WaitAsync(Bound);
        }

        ours.Close(); // now only QEMU's copy keeps the connection open
        Assert.False(peer.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead), "the connection closed although QEMU holds it");

        await client.ExecuteAsync("closefd", new JsonObject { ["fdname"] = "probe" }).WaitAsync(Bound);
        Assert.True(peer.Poll(Bound, SelectMode.SelectRead), "QEMU's closefd did not close the connection");
        Assert.Equal(0, peer.Receive(new byte[16])); // end of stream
        await Assert.ThrowsAsync<QmpException>(() => client.ExecuteAsync("closefd", new JsonObject { ["fdname"] = "probe" }).WaitAsync(Bound));
    }

    /// <summary>QEMU on PATH, or null on a developer machine without it; with CI=true a missing QEMU fails the test.</summary>
    private static string? FindQemu()
    {
        // xunit 2 cannot skip at run time.
        var qemu = QemuProcess.FindOnPath(Qemu);
        Assert.True(qemu is not null || Environment.GetEnvironmentVariable("CI") != "true", $"{Qemu} is not on PATH, and CI=true requires this test to run");
        return qemu;
    }

    private string StartQemu(string qemu)
    {
        Directory.CreateDirectory(_directory);
        var socketPath = Path.Combine(_directory, "qmp.sock");
        var start = new ProcessStartInfo(qemu)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-machine", "q35,accel=tcg", "-m", "64M", "-nodefaults", "-nographic", "-display", "none",
                     "-serial", "none", "-qmp", $"unix:{socketPath},server=on,wait=off",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _qemu = Process.Start(start) ?? throw new InvalidOperationException($"{qemu} did not start");
        _qemu.OutputDataReceived += (_, line) => Append(line.Data);
        _qemu.ErrorDataReceived += (_, line) => Append(line.Data);
        _qemu.BeginOutputReadLine();
        _qemu.BeginErrorReadLine();
        return socketPath;
    }

    private void Append(string? line)
    {
        lock (_stderr)
        {
            _stderr.AppendLine(line);
        }
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }
}
