using System.Globalization;

namespace HostGrid.Hypervisor.Qemu.Fencing;

/// <summary>
/// A host's guest lease in a file (<c>HOST/lease</c>: the instant it ends, in microseconds since the Unix epoch), renewed by
/// the agent after each acknowledged heartbeat and read by the <see cref="LeaseWatchdog"/>, which kills the host's guests
/// once it has passed. Only ever extended.
/// </summary>
public sealed class GuestLease
{
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private DateTimeOffset _validUntil;

    public GuestLease(string hostDirectory, TimeProvider time)
    {
        _path = Path.Combine(hostDirectory, "lease");
        _time = time;
        _validUntil = Read(_path);
    }

    /// <summary>When the lease ends (in the past when it lapsed or was never granted).</summary>
    public DateTimeOffset ValidUntil
    {
        get
        {
            lock (_lock)
            {
                return _validUntil;
            }
        }
    }

    public bool IsValid => ValidUntil > _time.GetUtcNow();

    /// <summary>Extends the lease to <paramref name="validUntil"/> unless it already reaches further.</summary>
    public void Renew(DateTimeOffset validUntil)
    {
        lock (_lock)
        {
            if (validUntil <= _validUntil)
            {
                return;
            }

            var temp = _path + ".tmp";
            File.WriteAllText(temp, (validUntil.ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture) + "\n");
            File.Move(temp, _path, overwrite: true); // atomic: the watchdog never reads half a number
            _validUntil = validUntil;
        }
    }

    /// <summary>Waits (bounded) until the lease is valid: a guest must never start where the watchdog would kill it at once.</summary>
    public async Task<bool> WaitValidAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (!IsValid)
        {
            if (_time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
        }

        return true;
    }

    private static DateTimeOffset Read(string path)
    {
        try
        {
            return long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
                ? DateTimeOffset.FromUnixTimeMilliseconds(micros / 1000)
                : DateTimeOffset.MinValue;
        }
        catch (IOException)
        {
            return DateTimeOffset.MinValue;
        }
    }
}
