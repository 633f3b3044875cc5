using HostGrid.Gateway.Hosting;
using Microsoft.Extensions.Options;

// The HostGrid gateway: one gRPC view of the whole cluster, stateless, an Orleans client.
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddHostGridGateway();
    var app = builder.Build();
    app.MapHostGridApi();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("hostgrid-gateway: invalid configuration:");
    foreach (var failure in e.Failures)
    {
        await Console.Error.WriteLineAsync("  " + failure);
    }

    return 2;
}
