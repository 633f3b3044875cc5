using HostGrid.Agent.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// The HostGrid agent: one Orleans silo per hypervisor server, serving that server's hosts.
try
{
    var builder = Host.CreateApplicationBuilder(args);
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
