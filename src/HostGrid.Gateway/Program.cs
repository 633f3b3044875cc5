using HostGrid.Gateway.Hosting;
using Microsoft.Extensions.Options;

// The HostGrid gateway: one gRPC view of the whole cluster, stateless, an Orleans client.
try
{
    var builder = WebApplication.CreateBuilder(args);
    // A deployment's settings file (deploy/config), named by HOSTGRID_CONFIG.
    if (Environment.GetEnvironmentVariable("HOSTGRID_CONFIG") is { Length: > 0 } configFile)
    {
        builder.Configuration.AddJsonFile(configFile, optional: false);
    }

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
