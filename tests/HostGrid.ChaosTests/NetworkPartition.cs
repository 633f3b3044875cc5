using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace HostGrid.ChaosTests;

/// <summary>
/// Cuts one agent process off the network without stopping it: an nftables table of its own drops every packet that
/// a socket of the agent's cgroup sends (output) or that is bound for one (input: nft looks the destination socket
/// up), so nothing gets from the agent to PostgreSQL, the other silos or the gateway, nor from them to it, while
/// they keep talking to each other. The table is added and removed in one transaction each (<c>nft -f</c>,
/// <c>nft delete table</c>); <see cref="Heal"/> (or dispose, whatever happens in the test) removes it, and tables of
/// test processes that died before removing theirs are removed at the next cut.
/// </summary>
/// <remarks>
/// nft names a cgroup by its path under <c>/sys/fs/cgroup</c>; on a hybrid system the v2 hierarchy is mounted
/// elsewhere (<c>/sys/fs/cgroup/unified</c>), so nft runs in a private mount namespace where the v2 hierarchy is
/// mounted at <c>/sys/fs/cgroup</c>. The rule itself holds the cgroup's id and is the same either way.
/// </remarks>
public sealed class NetworkPartition : IDisposable
{
    private const string Prefix = "hostgrid_part_";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    private static readonly string? NftPath = FindOnPath("nft");
    private static readonly string? UnsharePath = FindOnPath("unshare");
    private static int _next;
    private readonly string _table;
    private bool _removed;

    private NetworkPartition(string table, string rules)
    {
        _table = table;
        Rules = rules;
    }

    /// <summary>The table as nft lists it.</summary>
    public string Rules { get; }

    /// <summary>
    /// Why a partition cannot be made here, or null when it can: it needs Linux, root, nft, unshare and a cgroup v2
    /// hierarchy. Cheap enough for test discovery; <see cref="Cut"/> fails if the kernel refuses the rules.
    /// </summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network partitions need Linux (nftables, cgroup v2)";
        }

        if (!IsRoot())
        {
            return "network partitions need root (nftables, cgroups)";
        }

        if (NftPath is null)
        {
            return "nft is not installed (scripts/test.sh installs it: apt-get install -y nftables)";
        }

        if (UnsharePath is null)
        {
            return "unshare (util-linux) is not installed";
        }

        return AgentCgroups.Mount is null ? "no cgroup v2 hierarchy is mounted" : null;
    }

    /// <summary>Cuts every process of a cgroup off the network, both ways.</summary>
    /// <param name="cgroupPath">The cgroup as a path from the v2 hierarchy's root (<see cref="AgentCgroups.PathOf"/>).</param>
    public static NetworkPartition Cut(string cgroupPath)
    {
        RemoveLeftovers();
        var table = $"{Prefix}{Environment.ProcessId}_{Interlocked.Increment(ref _next)}";
        var level = cgroupPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        var match = $"socket cgroupv2 level {level} \"{cgroupPath}\"";
        var script = $$"""
            table inet {{table}} {
              chain input {
                type filter hook input priority filter; policy accept;
                {{match}} drop
              }
              chain output {
                type filter hook output priority filter; policy accept;
                {{match}} drop
              }
            }
            """;
        Run(UnsharePath!, ["--mount", "sh", "-c", $"mount -t cgroup2 none /sys/fs/cgroup && exec '{NftPath}' -f -"], script);
        try
        {
            var rules = Nft("list", "table", "inet", table);
            if (rules.Split('\n').Count(l => l.Contains("socket cgroupv2", StringComparison.Ordinal) && l.Contains("drop", StringComparison.Ordinal)) != 2)
            {
                throw new InvalidOperationException($"nft table {table} does not hold the two drop rules:\n{rules}");
            }

            return new NetworkPartition(table, rules);
        }
        catch
        {
            TryNft("delete", "table", "inet", table);
            throw;
        }
    }

    /// <summary>Whether a process started in <paramref name="cgroupDirectory"/> connects to 127.0.0.1:<paramref name="port"/> within <paramref name="timeout"/>.</summary>
    public static async Task<bool> CanConnectFromAsync(string cgroupDirectory, int port, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("timeout")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { timeout.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture), "bash", "-c", "echo $$ > \"$0/cgroup.procs\" && exec 3<>\"/dev/tcp/127.0.0.1/$1\"", cgroupDirectory, port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        using var probe = Process.Start(info)!;
        using var cts = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(5));
        await probe.WaitForExitAsync(cts.Token);
        return probe.ExitCode == 0;
    }

    /// <summary>Whether this (uncut) process connects to 127.0.0.1:<paramref name="port"/> within <paramref name="timeout"/>.</summary>
    public static async Task<bool> CanConnectAsync(int port, TimeSpan timeout)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await client.ConnectAsync("127.0.0.1", port, cts.Token);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    /// <summary>The tables nftables holds, for a test to show that none of ours is left.</summary>
    public static string Tables() => Nft("list", "tables");

    /// <summary>Removes the table; throws when it is still there.</summary>
    public void Heal()
    {
        if (_removed)
        {
            return;
        }

        TryNft("delete", "table", "inet", _table);
        _removed = true;
        var left = Tables();
        if (left.Contains(_table, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"nft table {_table} still there after removal:\n{left}");
        }
    }

    public void Dispose()
    {
        try
        {
            Heal();
        }
        catch (InvalidOperationException)
        {
            // Heal said what was left; the next cut removes it (RemoveLeftovers).
        }
    }

    /// <summary>Tables of test processes that exited without removing theirs (killed, say).</summary>
    private static void RemoveLeftovers()
    {
        foreach (var line in Tables().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = line.Split(' ').Last();
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var owner = name[Prefix.Length..].Split('_')[0];
            if (int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                TryNft("delete", "table", "inet", name);
            }
        }
    }

    private static bool TryNft(params string[] args)
    {
        try
        {
            Nft(args);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Nft(params string[] args) => Run(NftPath ?? throw new InvalidOperationException(Unavailable()), args, null);

    /// <summary>Runs a tool with a bound; returns its output, throws on failure.</summary>
    private static string Run(string tool, IReadOnlyList<string> args, string? input)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var command = Path.GetFileName(tool) + " " + string.Join(' ', args);
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{command} did not finish in {CommandTimeout.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }

        return stdout.Result;
    }

    /// <summary>Effective uid 0, from /proc/self/status (<c>Uid: real effective saved fs</c>).</summary>
    private static bool IsRoot() =>
        File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [_, _, "0", ..];

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin").Append("/usr/bin").Append("/bin")
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
