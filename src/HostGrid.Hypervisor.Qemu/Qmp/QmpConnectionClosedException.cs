namespace HostGrid.Hypervisor.Qemu.Qmp;

/// <summary>
/// The QMP connection closed (QEMU exited, the socket broke, or the client was disposed) before a command got its
/// reply or an awaited event arrived. An <see cref="IOException"/>, so callers may catch either.
/// </summary>
public sealed class QmpConnectionClosedException : IOException
{
    public QmpConnectionClosedException(string socketPath, string? reason = null, Exception? innerException = null)
        : base(reason is null ? $"QMP connection to {socketPath} closed" : $"QMP connection to {socketPath} closed: {reason}", innerException)
        => SocketPath = socketPath;

    /// <summary>The unix socket the client was connected to.</summary>
    public string SocketPath { get; }
}
