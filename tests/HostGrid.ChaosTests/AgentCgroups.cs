using System.Globalization;

namespace HostGrid.ChaosTests;

/// <summary>
/// One cgroup v2 directory per agent, under <c>hostgrid-part-{test pid}-{n}</c> at the root of the cgroup v2
/// hierarchy. An agent started in its cgroup opens every socket there, so <see cref="NetworkPartition"/> can drop its
/// traffic by cgroup. Removed on dispose, once the agents are gone; leftovers of dead test processes are removed first.
/// </summary>
public sealed class AgentCgroups : IDisposable
{
    private const string Prefix = "hostgrid-part-";
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(10);
    private static int _next;
    private readonly string _root;
    private readonly IReadOnlyList<string> _hostIds;

    public AgentCgroups(IEnumerable<string> hostIds)
    {
        var mount = Mount ?? throw new InvalidOperationException("no cgroup v2 hierarchy is mounted (/proc/self/mountinfo)");
        RemoveLeftovers(mount);
        Name = $"{Prefix}{Environment.ProcessId}-{Interlocked.Increment(ref _next)}";
        _root = Path.Combine(mount, Name);
        _hostIds = hostIds.ToList();
        Directory.CreateDirectory(_root);
        foreach (var host in _hostIds)
        {
            Directory.CreateDirectory(Path.Combine(_root, host));
        }
    }

    /// <summary>Where the cgroup v2 hierarchy is mounted (<c>/sys/fs/cgroup</c>, or <c>/sys/fs/cgroup/unified</c> on hybrid systems), if it is.</summary>
    public static string? Mount { get; } = FindMount();

    /// <summary>This set's directory name under the hierarchy's root.</summary>
    public string Name { get; }

    /// <summary>The host's cgroup directory (what <see cref="LocalCluster.AgentCgroup"/> wants).</summary>
    public string DirectoryOf(string hostId) => Path.Combine(_root, hostId);

    /// <summary>The host's cgroup as a path from the hierarchy's root (what the <c>socket cgroupv2</c> rule of <see cref="NetworkPartition"/> names).</summary>
    public string PathOf(string hostId) => $"{Name}/{hostId}";

    /// <summary>Whether the process runs in the host's cgroup.</summary>
    public bool Contains(string hostId, int pid) =>
        File.ReadLines($"/proc/{pid}/cgroup").Contains($"0::/{PathOf(hostId)}", StringComparer.Ordinal);

    public void Dispose() => RemoveTree(_root);

    private static void RemoveLeftovers(string mount)
    {
        foreach (var dir in Directory.GetDirectories(mount, Prefix + "*"))
        {
            var owner = Path.GetFileName(dir)[Prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                RemoveTree(dir);
            }
        }
    }

    /// <summary>A cgroup can be removed once its processes are gone; killed agents take a moment to be reaped.</summary>
    private static void RemoveTree(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        var deadline = DateTime.UtcNow + RemoveTimeout;
        var leaves = Directory.GetDirectories(root).Append(root).ToList();
        foreach (var dir in leaves)
        {
            while (true)
            {
                try
                {
                    // rmdir(2) only: a cgroup's control files cannot be deleted one by one.
                    Directory.Delete(dir, recursive: false);
                    break;
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(100);
                }
                catch (IOException e)
                {
                    throw new IOException($"cgroup {dir} still busy after {RemoveTimeout.TotalSeconds} s: {File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Trim()}", e);
                }
            }
        }
    }

    private static string? FindMount()
    {
        if (!File.Exists("/proc/self/mountinfo"))
        {
            return null;
        }

        // mountinfo: id parent major:minor root mountpoint options [optional...] - fstype source super-options
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator > 4 && separator + 1 < fields.Length && fields[separator + 1] == "cgroup2" && fields[3] == "/")
            {
                return fields[4];
            }
        }

        return null;
    }
}
