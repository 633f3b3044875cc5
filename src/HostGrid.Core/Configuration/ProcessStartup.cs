using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HostGrid.Core.Configuration;

/// <summary>What every HostGrid executable does around its host: read the deployment's settings file, and turn invalid settings into a clear exit.</summary>
public static class ProcessStartup
{
    /// <summary>Environment variable naming a deployment's JSON settings file (see deploy/config).</summary>
    public const string ConfigFileVariable = "HOSTGRID_SETTINGS";

    /// <summary>Exit code for invalid configuration.</summary>
    public const int InvalidConfiguration = 2;

    public static void AddDeploymentSettings(IConfigurationBuilder configuration)
    {
        if (Environment.GetEnvironmentVariable(ConfigFileVariable) is { Length: > 0 } file)
        {
            configuration.AddJsonFile(file, optional: false);
        }
    }

    /// <summary>Runs the process; invalid settings print each failure (naming the setting) and exit with <see cref="InvalidConfiguration"/>.</summary>
    public static async Task<int> RunAsync(string processName, Func<Task> run)
    {
        try
        {
            await run();
            return 0;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"{processName}: invalid configuration:");
            foreach (var failure in e.Failures)
            {
                await Console.Error.WriteLineAsync("  " + failure);
            }

            return InvalidConfiguration;
        }
    }
}
