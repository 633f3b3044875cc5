using HostGrid.Core.Failover;
using HostGrid.Core.Migration;
using HostGrid.Core.Rebalancing;
using HostGrid.Core.Placement;
using HostGrid.Grains.Events;
using HostGrid.Grains.Failover;
using HostGrid.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HostGrid.Grains.Hosting;

/// <summary>Registers what HostGrid's grains need in a silo.</summary>
public static class HostGridGrainsExtensions
{
    /// <summary>
    /// Host-affinity placement, the scheduler, failover, migration and rebalancer options and a clock. Storage is the caller's choice
    /// (PostgreSQL in the agent, memory in tests) under <see cref="HostGridStorage.ProviderName"/>. Placement reads the
    /// hosts each silo serves from silo metadata, which serving hosts turns on.
    /// </summary>
    public static ISiloBuilder AddHostGridGrains(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<HostSilos>();
        silo.AddPlacementDirector<HostAffinityPlacement, HostAffinityPlacementDirector>();
        silo.Services.AddSingleton(Scheduler.Default);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<IEventLog, DiscardingEventLog>();
        silo.Services.TryAddSingleton<IAgentLeases, InMemoryAgentLeases>();
        silo.Services.AddOptions<FailoverOptions>()
            .BindConfiguration(FailoverOptions.SectionName)
            .ValidateOnStart();
        silo.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<FailoverOptions>, FailoverOptionsValidator>();
        silo.Services.AddOptions<MigrationOptions>()
            .BindConfiguration(MigrationOptions.SectionName)
            .ValidateOnStart();
        silo.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<MigrationOptions>, MigrationOptionsValidator>();
        silo.Services.AddOptions<RebalancerOptions>()
            .BindConfiguration(RebalancerOptions.SectionName)
            .ValidateOnStart();
        silo.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RebalancerOptions>, RebalancerOptionsValidator>();
        return silo;
    }
}
