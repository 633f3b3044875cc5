using HostGrid.Agent.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// The HostGrid agent: one Orleans silo per hypervisor server, serving that server's hosts.
try
{
    var builder = Host.CreateApplicationBuilder(args);
    // A deployment's settings file (deploy/config), named by HOSTGRID_CONFIG.
    if (Environment.GetEnvironmentVariable("HOSTGRID_CONFIG") is { Length: > 0 } configFile)
    {
        builder.Configuration.AddJsonFile(configFile, optional: false);
    }

    builder.AddHostGridAgent();
    await builder.Build().RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("hostgrid-agent: invalid configuration:");
    foreach (var failure in e.Failures)
    {
        await Console.Error.WriteLineAsync("  " + failure);
    }

    return 2;
}
