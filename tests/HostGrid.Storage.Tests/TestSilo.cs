using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace HostGrid.Storage.Tests;

/// <summary>
/// A real Orleans silo in this process on its own loopback ports, with ADO.NET clustering, grain
/// storage and reminders on the test PostgreSQL, as a HostGrid silo would be configured.
/// </summary>
internal sealed class TestSilo : IAsyncDisposable
{
    public const string Invariant = "Npgsql";
    public const string StorageName = "Default";

    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;
    private bool _disposed;

    private TestSilo(IHost host, int siloPort, int gatewayPort)
    {
        _host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory GrainFactory => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<TestSilo> StartAsync(string connectionString, TestIds ids, ITestOutputHelper output)
    {
        var providerConnectionString = ProviderConnectionString(connectionString);
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(new TestOutputLoggerProvider(output, $"silo:{siloPort}"));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ids.ClusterId;
                o.ServiceId = ids.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = providerConnectionString;
            });
            silo.AddAdoNetGrainStorage(StorageName, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = providerConnectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = providerConnectionString;
            });
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new TestSilo(host, siloPort, gatewayPort);
    }

    /// <summary>An external client that finds the silos through the gateway rows in PostgreSQL.</summary>
    public static async Task<IHost> StartClientAsync(string connectionString, TestIds ids, ITestOutputHelper output)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(new TestOutputLoggerProvider(output, "client"));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ids.ClusterId;
                o.ServiceId = ids.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = ProviderConnectionString(connectionString);
            });
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>Stops the silo gracefully; a test may stop one early, so a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        using var timeout = new CancellationTokenSource(_stopTimeout);
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }

    /// <summary>
    /// The providers' sessions run in a non-UTC time zone on purpose: with timestamptz columns the
    /// UTC times Orleans writes must come back unchanged whatever the session's zone.
    /// </summary>
    private static string ProviderConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Timezone = "Europe/Berlin" }.ConnectionString;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
