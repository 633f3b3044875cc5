using HostGrid.Core.Configuration;
using HostGrid.Gateway.Hosting;

// The HostGrid gateway: one gRPC view of the whole cluster, stateless, an Orleans client.
return await ProcessStartup.RunAsync("hostgrid-gateway", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    ProcessStartup.AddDeploymentSettings(builder.Configuration);
    builder.AddHostGridGateway();
    var app = builder.Build();
    app.MapHostGridApi();
    await app.RunAsync();
});
