using System.Diagnostics;

namespace HostGrid.Testing;

/// <summary>
/// Processes a test left running outside its own process tree (QEMU guests, lease watchdogs), found by a path in their
/// command line, usually the folder the test owns: to assert on them and to clean them up.
/// </summary>
public static class ProcessesByCommandLine
{
    /// <summary>Every process but this one whose command line contains <paramref name="path"/>.</summary>
    public static IReadOnlyList<int> Containing(string path)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != Environment.ProcessId && CommandLine(pid).Contains(path, StringComparison.Ordinal))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>The process's command line, arguments separated by NULs; empty once it is gone.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>SIGKILL; a process already gone is fine.</summary>
    public static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // gone
        }
    }

    public static void KillContaining(string path)
    {
        foreach (var pid in Containing(path))
        {
            Kill(pid);
        }
    }
}
