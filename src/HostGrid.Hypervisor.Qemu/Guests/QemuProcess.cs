using System.Diagnostics;
using System.Globalization;

namespace HostGrid.Hypervisor.Qemu.Guests;

/// <summary>
/// Starts QEMU daemonized (so the guest outlives the agent, re-parented to init) and finds, checks and kills such processes
/// by the pid in their pid file.
/// </summary>
public static class QemuProcess
{
    private static readonly TimeSpan ExitPollPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>Runs QEMU with <c>-daemonize</c> and returns the guest's pid once the launcher has exited.</summary>
    public static async Task<int> LaunchAsync(string binary, IReadOnlyList<string> arguments, GuestFiles files, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await RunAsync(binary, arguments, timeout, cancellationToken);
        return ReadPid(files) ?? throw new InvalidOperationException($"{binary} started but wrote no pid file at {files.PidFile}");
    }

    /// <summary>Runs a tool to its end (bounded); a non-zero exit throws with what it printed.</summary>
    public static async Task RunAsync(string binary, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var tool = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        tool.StandardInput.Close();
        var stderr = tool.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = tool.StandardOutput.ReadToEndAsync(cancellationToken);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            await tool.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            tool.Kill(entireProcessTree: true);
            throw new TimeoutException($"{binary} did not finish within {timeout.TotalSeconds:F0} s");
        }

        var output = (await stderr + await stdout).Trim();
        if (tool.ExitCode != 0)
        {
            throw new InvalidOperationException($"{binary} exited with code {tool.ExitCode}: {(output.Length > 0 ? output : "no message")}");
        }
    }

    /// <summary>The full path of <paramref name="binary"/> (a path, or a name looked up on PATH), or null when it is not there.</summary>
    public static string? FindOnPath(string binary) =>
        Path.IsPathRooted(binary)
            ? File.Exists(binary) ? binary : null
            : (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, binary))
                .FirstOrDefault(File.Exists);

    /// <summary>The pid in the guest's pid file, or null.</summary>
    public static int? ReadPid(GuestFiles files)
    {
        try
        {
            return int.TryParse(File.ReadAllText(files.PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="pid"/> is alive and is this guest's QEMU: its command line names the guest's own pid file, so a
    /// recycled pid never counts.
    /// </summary>
    public static bool IsGuestProcess(int pid, GuestFiles files)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return commandLine.Contains(files.PidFile, StringComparison.Ordinal) && !IsZombie(pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Kills the guest's process (SIGKILL) and waits until it is gone. Idempotent.</summary>
    public static async Task KillAsync(int pid, GuestFiles files, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!IsGuestProcess(pid, files))
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }

        await WaitForExitAsync(pid, files, timeout, cancellationToken);
    }

    /// <summary>Waits until the guest's process is gone; false if it still runs after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, GuestFiles files, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (IsGuestProcess(pid, files))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(ExitPollPeriod, cancellationToken);
        }

        return true;
    }

    /// <summary>CPU time the process has used (user + system), from <c>/proc/PID/stat</c>.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Resident memory of the process in MiB, from <c>/proc/PID/status</c>.</summary>
    public static long? ResidentMib(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kib = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kib / 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            // gone
        }

        return null;
    }

    /// <summary>USER_HZ: 100 on every Linux architecture .NET runs on.</summary>
    private const int ClockTicksPerSecond = 100;

    private static bool IsZombie(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var state = stat[(stat.LastIndexOf(')') + 2)..];
        return state.StartsWith('Z') || state.StartsWith('X');
    }
}
