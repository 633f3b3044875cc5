using HostGrid.Agent.Hosting;
using HostGrid.Core.Configuration;
using Microsoft.Extensions.Hosting;

// The HostGrid agent: one Orleans silo per hypervisor server, serving that server's hosts.
return await ProcessStartup.RunAsync("hostgrid-agent", async () =>
{
    var builder = Host.CreateApplicationBuilder(args);
    ProcessStartup.AddDeploymentSettings(builder.Configuration);
    builder.AddHostGridAgent();
    await builder.Build().RunAsync();
});
