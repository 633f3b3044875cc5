using System.Diagnostics;
using System.Globalization;

namespace HostGrid.Hypervisor.Qemu.Fencing;

/// <summary>
/// Keeps one watchdog process (<c>hostgrid-qemu-watchdog.sh</c>, shipped beside this assembly) running for a host: it kills
/// the host's guests once their <see cref="GuestLease"/> lapses. Started in a session of its own (<c>setsid</c>), so it
/// outlives the agent and is not part of the agent's process tree.
/// </summary>
public sealed class LeaseWatchdog : IDisposable
{
    public const string ScriptName = "hostgrid-qemu-watchdog.sh";
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(5);

    private readonly string _hostDirectory;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public LeaseWatchdog(string hostDirectory) => _hostDirectory = hostDirectory;

    public void Dispose() => _gate.Dispose();

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, ScriptName);

    private string PidFile => Path.Combine(_hostDirectory, "watchdog.pid");

    /// <summary>The running watchdog's pid, or null.</summary>
    public int? RunningPid()
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                return null;
            }

            var commandLine = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return commandLine.Contains(ScriptName, StringComparison.Ordinal) && commandLine.Contains(_hostDirectory, StringComparison.Ordinal) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Starts the watchdog unless one runs; call after the guest's directory exists, before its QEMU starts.</summary>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (RunningPid() is not null)
            {
                return;
            }

            if (!File.Exists(ScriptPath))
            {
                throw new FileNotFoundException($"the QEMU lease watchdog is missing at {ScriptPath}", ScriptPath);
            }

            var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-f", "bash", ScriptPath, _hostDirectory })
            {
                start.ArgumentList.Add(argument);
            }

            using (var setsid = Process.Start(start) ?? throw new InvalidOperationException("could not run setsid"))
            {
                await setsid.WaitForExitAsync(cancellationToken);
            }

            var deadline = Stopwatch.GetTimestamp() + (long)(StartWait.TotalSeconds * Stopwatch.Frequency);
            while (RunningPid() is null)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"the QEMU lease watchdog for {_hostDirectory} did not start within {StartWait.TotalSeconds:F0} s");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
