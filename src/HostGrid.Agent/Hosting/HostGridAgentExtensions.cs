using System.Net;
using HostGrid.Agent.Events;
using HostGrid.Agent.Leases;
using HostGrid.Core.Cluster;
using HostGrid.Core.Configuration;
using HostGrid.Core.Migration;
using HostGrid.Grains;
using HostGrid.Grains.Events;
using HostGrid.Grains.Failover;
using HostGrid.Grains.Hosting;
using HostGrid.Hypervisor;
using HostGrid.Hypervisor.Qemu;
using HostGrid.Hypervisor.Simulated;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace HostGrid.Agent.Hosting;

/// <summary>Wires the agent process: options, the Orleans silo on PostgreSQL, the hosts it serves and their driver.</summary>
public static class HostGridAgentExtensions
{
    /// <summary>ADO.NET invariant name of Npgsql, which the Orleans providers load by name.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public static IHostApplicationBuilder AddHostGridAgent(this IHostApplicationBuilder builder)
    {
        var cluster = ValidatedOptions.Bind<HostGridClusterOptions, HostGridClusterOptionsValidator>(builder.Configuration, builder.Services, HostGridClusterOptions.SectionName);
        var agent = ValidatedOptions.Bind<HostGridAgentOptions, HostGridAgentOptionsValidator>(builder.Configuration, builder.Services, HostGridAgentOptions.SectionName);
        var simulated = builder.Configuration.GetSection(SimulatedHypervisorOptions.SectionName).Get<SimulatedHypervisorOptions>() ?? new();
        var qemu = agent.Driver == HypervisorDriverKind.Qemu
            ? ValidatedOptions.Bind<QemuOptions, QemuOptionsValidator>(builder.Configuration, builder.Services, QemuOptions.SectionName)
            : new QemuOptions();

        var hosts = agent.Hosts
            .Select(h => new HostRegistration(new HostId(h.Id), new ResourceAmounts(h.Vcpus, h.MemoryMib, h.DiskGib), h.Labels))
            .ToList();

        // One connection pool for HostGrid's own tables (the Orleans providers keep theirs); the container disposes it.
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(cluster.ConnectionString));
        builder.Services.AddSingleton<IEventLog>(sp =>
            new PostgresEventLog(sp.GetRequiredService<NpgsqlDataSource>(), cluster.ServiceId, sp.GetRequiredService<ILogger<PostgresEventLog>>()));
        builder.Services.AddSingleton<IAgentLeases>(sp => new PostgresAgentLeases(sp.GetRequiredService<NpgsqlDataSource>(), cluster.ServiceId));
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(agent.AdvertisedAddress), agent.SiloPort, agent.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = cluster.ConnectionString;
            });
            // Orleans' own serializer for state: version-tolerant through [Id]s, and it round-trips the
            // struct ids used as dictionary keys, which the default JSON serializer does not.
            silo.AddAdoNetGrainStorage(HostGridStorage.ProviderName, (OptionsBuilder<AdoNetGrainStorageOptions> storage) =>
                storage.Configure<Serializer>((o, serializer) =>
                {
                    o.Invariant = NpgsqlInvariant;
                    o.ConnectionString = cluster.ConnectionString;
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = cluster.ConnectionString;
            });
            silo.Configure<ClusterMembershipOptions>(MembershipTuning.Apply);
            silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection(MembershipTuning.SectionName));
            silo.AddHostGridGrains();
            // The data plane listens where the silo does, unless configured apart.
            if (builder.Configuration[$"{SimulatedHypervisorOptions.SectionName}:{nameof(SimulatedHypervisorOptions.MigrationListenAddress)}"] is null)
            {
                simulated.MigrationListenAddress = agent.AdvertisedAddress;
            }

            silo.ServeHosts(hosts, (sp, host) => CreateDriver(agent.Driver, host, simulated, qemu, sp));
        });
        return builder;
    }

    private static IHypervisorDriver CreateDriver(HypervisorDriverKind kind, HostRegistration host, SimulatedHypervisorOptions simulated, QemuOptions qemu, IServiceProvider services) =>
        kind switch
        {
            HypervisorDriverKind.Qemu => new QemuHypervisor(
                host.HostId,
                qemu,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<QemuHypervisor>>(),
                services.GetRequiredService<IOptions<MigrationOptions>>().Value),
            HypervisorDriverKind.Simulated => new SimulatedHypervisor(
                host.HostId,
                simulated,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<IOptions<MigrationOptions>>().Value),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown hypervisor driver"),
        };
}
