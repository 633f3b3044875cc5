using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostGrid.Core.Configuration;

/// <summary>Options that process wiring needs before the host is built.</summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Binds a section now, validates it at once (so a bad setting stops the process with a message naming it),
    /// and registers it for injection with the same validator on start.
    /// </summary>
    public static TOptions Bind<TOptions, TValidator>(IConfiguration configuration, IServiceCollection services, string section)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>, new()
    {
        var options = configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        var result = new TValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(section, typeof(TOptions), result.Failures);
        }

        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return options;
    }
}
