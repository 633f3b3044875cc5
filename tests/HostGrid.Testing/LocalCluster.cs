using System.Diagnostics;
using Grpc.Net.Client;
using HostGrid.Api.V1;

namespace HostGrid.Testing;

/// <summary>
/// Real agent processes (one simulated host each) and a gateway process on the test PostgreSQL, under a
/// cluster id of its own. Every process is killed on dispose.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly Dictionary<string, ManagedProcess> _agents = [];
    private readonly Dictionary<string, (int Silo, int Gateway)> _ports = [];
    private readonly Dictionary<string, string> _extraEnvironment;
    private readonly HashSet<string> _killed = [];
    private ManagedProcess? _gateway;
    private GrpcChannel? _channel;

    public LocalCluster(IReadOnlyList<AgentSpec> agents, IReadOnlyDictionary<string, string>? environment = null)
    {
        Agents = agents;
        _extraEnvironment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        ClusterId = "it-" + Guid.NewGuid().ToString("N")[..12];
        WorkDirectory = Path.Combine(Path.GetTempPath(), "hostgrid-" + ClusterId);
        Directory.CreateDirectory(WorkDirectory);
        GatewayPort = FreePort.Next();
        foreach (var agent in agents)
        {
            _ports[agent.HostId] = (FreePort.Next(), FreePort.Next());
        }
    }

    public IReadOnlyList<AgentSpec> Agents { get; }

    /// <summary>
    /// When set, the cgroup v2 directory each host's agent starts in (null: none), so a test can cut one agent's
    /// network traffic by cgroup without stopping it.
    /// </summary>
    public Func<string, string?>? AgentCgroup { get; init; }

    public string ClusterId { get; }

    public string WorkDirectory { get; }

    public int GatewayPort { get; }

    public string GatewayAddress => $"http://127.0.0.1:{GatewayPort}";

    public VmService.VmServiceClient Vms => new(Channel);

    public HostService.HostServiceClient Hosts => new(Channel);

    public ClusterService.ClusterServiceClient ClusterApi => new(Channel);

    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(GatewayAddress);

    /// <summary>Starts every agent and the gateway, and waits until every host is Up.</summary>
    public async Task StartAsync()
    {
        foreach (var agent in Agents)
        {
            StartAgent(agent.HostId);
        }

        StartGateway();
        await WaitForHostsUpAsync(Agents.Count, TimeSpan.FromSeconds(60));
    }

    public void StartAgent(string hostId)
    {
        var spec = Agents.Single(a => a.HostId == hostId);
        var (silo, gateway) = _ports[hostId];
        var environment = CommonEnvironment();
        environment["HostGrid__Agent__Hosts__0__Id"] = spec.HostId;
        environment["HostGrid__Agent__Hosts__0__Vcpus"] = spec.Vcpus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["HostGrid__Agent__Hosts__0__MemoryMib"] = spec.MemoryMib.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["HostGrid__Agent__Hosts__0__DiskGib"] = spec.DiskGib.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in spec.Labels ?? new Dictionary<string, string>())
        {
            environment[$"HostGrid__Agent__Hosts__0__Labels__{key}"] = value;
        }

        environment["HostGrid__Agent__SiloPort"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["HostGrid__Agent__GatewayPort"] = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["HostGrid__Simulated__LedgerDirectory"] = LedgerDirectory;
        _agents[hostId] = ManagedProcess.Start(Repo.Dll("HostGrid.Agent", "hostgrid-agent"), environment, Path.Combine(WorkDirectory, $"agent-{hostId}.log"), AgentCgroup?.Invoke(hostId));
    }

    public ManagedProcess Agent(string hostId) => _agents[hostId];

    public int SiloPort(string hostId) => _ports[hostId].Silo;

    /// <summary>The port of the host's agent where Orleans clients (the gateway) connect.</summary>
    public int ClientGatewayPort(string hostId) => _ports[hostId].Gateway;

    /// <summary>Where the simulated hypervisors write their guest ledgers.</summary>
    public string LedgerDirectory => Path.Combine(WorkDirectory, "ledger");

    /// <summary>SIGKILLs a host's agent; returns when it is dead.</summary>
    public DateTimeOffset KillAgent(string hostId)
    {
        _killed.Add(hostId);
        _agents[hostId].Kill();
        return DateTimeOffset.UtcNow;
    }

    /// <summary>Starts a host's agent again after it was killed (a new incarnation).</summary>
    public void RestartAgent(string hostId)
    {
        if (_agents.Remove(hostId, out var old))
        {
            old.Dispose();
        }

        _killed.Remove(hostId);
        StartAgent(hostId);
    }

    private void RestartExitedProcesses()
    {
        foreach (var (hostId, agent) in _agents.ToList())
        {
            if (agent.HasExited && !_killed.Contains(hostId))
            {
                RestartAgent(hostId);
            }
        }

        if (_gateway is { HasExited: true })
        {
            _gateway.Dispose();
            StartGateway();
        }
    }

    public void StartGateway()
    {
        var environment = CommonEnvironment();
        environment["HostGrid__Gateway__Port"] = GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _gateway = ManagedProcess.Start(Repo.Dll("HostGrid.Gateway", "hostgrid-gateway"), environment, Path.Combine(WorkDirectory, "gateway.log"));
    }

    /// <summary>
    /// Kills the gateway process and starts a new one on the same port. Its Orleans client pins each grain to one Orleans
    /// gateway; a black-holed connection (a partitioned silo) is never closed, so calls through it time out until the
    /// process restarts and reads the gateway list again.
    /// </summary>
    public void RestartGateway()
    {
        _gateway?.Kill();
        _gateway?.Dispose();
        StartGateway();
    }

    /// <summary>Waits until the membership table says the host's current silo is Dead (bounded by <paramref name="timeout"/>).</summary>
    public async Task WaitForSiloDeadAsync(string hostId, TimeSpan timeout)
    {
        var port = SiloPort(hostId);
        await Eventually.Async(
            async () =>
            {
                await using var connection = new Npgsql.NpgsqlConnection(TestDatabase.ConnectionString);
                await connection.OpenAsync();
                await using var command = new Npgsql.NpgsqlCommand(
                    "SELECT status FROM orleans_membership WHERE deployment_id = @id AND port = @port ORDER BY generation DESC LIMIT 1", connection);
                command.Parameters.AddWithValue("id", ClusterId);
                command.Parameters.AddWithValue("port", port);
                return await command.ExecuteScalarAsync() as int?;
            },
            status => status == 6,
            timeout,
            $"the silo of {hostId} to be declared dead in the membership table");
    }

    /// <summary>Stops every process gracefully (SIGTERM, bounded), as an operator restarting the cluster would.</summary>
    public async Task StopAllAsync()
    {
        _channel?.Dispose();
        _channel = null;
        if (_gateway is not null)
        {
            await _gateway.StopAsync(TimeSpan.FromSeconds(10));
            _gateway.Dispose();
            _gateway = null;
        }

        await Task.WhenAll(_agents.Values.Select(a => a.StopAsync(TimeSpan.FromSeconds(15))));
        foreach (var agent in _agents.Values)
        {
            agent.Dispose();
        }

        _agents.Clear();
    }

    /// <summary>
    /// Waits until <paramref name="count"/> hosts are Up. Like a service supervisor (systemd's Restart=always), it
    /// restarts an agent or gateway that exited on its own meanwhile — e.g. a silo that stalled on a loaded machine,
    /// was declared dead by its peers and stopped itself — but not one the test killed and has not restarted.
    /// </summary>
    public async Task<IReadOnlyList<Host>> WaitForHostsUpAsync(int count, TimeSpan timeout)
    {
        var response = await Eventually.Async(
            async () =>
            {
                RestartExitedProcesses();
                return await Hosts.ListHostsAsync(new ListHostsRequest { Status = HostStatus.Up }, deadline: DateTime.UtcNow.AddSeconds(5));
            },
            r => r.Hosts.Count >= count,
            timeout,
            $"{count} hosts Up (cluster {ClusterId}, logs in {WorkDirectory})");
        return response.Hosts;
    }

    /// <summary>Runs the hostgrid CLI against this cluster's gateway.</summary>
    public async Task<CliResult> RunCliAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Repo.Dll("HostGrid.Cli", "hostgrid"));
        info.ArgumentList.Add("--gateway");
        info.ArgumentList.Add(GatewayAddress);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("hostgrid " + string.Join(' ', args) + " did not finish in 60 s");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        _gateway?.Dispose();
        foreach (var agent in _agents.Values)
        {
            agent.Dispose();
        }

        await Task.CompletedTask;
    }

    private Dictionary<string, string> CommonEnvironment()
    {
        var environment = new Dictionary<string, string>(_extraEnvironment)
        {
            ["HostGrid__Cluster__ConnectionString"] = TestDatabase.ConnectionString,
            ["HostGrid__Cluster__ClusterId"] = ClusterId,
            ["HostGrid__Cluster__ServiceId"] = ClusterId,
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        return environment;
    }
}
