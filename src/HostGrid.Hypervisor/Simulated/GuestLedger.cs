using System.Globalization;

namespace HostGrid.Hypervisor.Simulated;

/// <summary>
/// Append-only record of guest starts and stops on one host, one line each:
/// <c>{unix ms} {start|stop} {host} {vm} {epoch}</c>. Flushed per line so it survives the agent being killed.
/// </summary>
public sealed class GuestLedger : IDisposable
{
    private readonly StreamWriter? _writer;
    private readonly Lock _lock = new();

    public GuestLedger(string? directory, HostId hostId)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        var stream = new FileStream(Path.Combine(directory, $"{hostId}.ledger"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        _writer = new StreamWriter(stream) { AutoFlush = true };
    }

    public void Record(string what, HostId hostId, VmId vmId, long epoch, DateTimeOffset at)
    {
        if (_writer is null)
        {
            return;
        }

        lock (_lock)
        {
            _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{at.ToUnixTimeMilliseconds()} {what} {hostId} {vmId} {epoch}"));
        }
    }

    public void Dispose() => _writer?.Dispose();
}
