using Escala.Configuration.Binding;
using Microsoft.Extensions.Configuration;

namespace Escala.Configuration;

/// <summary>Turns configuration into checked <see cref="EscalaOptions"/>, or a <see cref="ConfigurationException"/> listing every bad key.</summary>
public static class EscalaConfiguration
{
    /// <summary>
    /// Binds <paramref name="configuration"/> (keys in any case), adds the <c>default</c> queue and checks every key.
    /// A key that <see cref="EscalaOptions"/> does not have is an error naming the nearest valid key.
    /// </summary>
    /// <param name="configuration">The merged configuration.</param>
    /// <param name="sourceOf">Where a configuration path was set (<c>in /etc/escala.json</c>, <c>from ESCALA_X</c>), to name it in errors.</param>
    /// <param name="readEnvironment">Reads an environment variable (models' API keys); tests pass their own.</param>
    public static EscalaOptions Load(IConfiguration configuration, Func<string, string?>? sourceOf = null, Func<string, string?>? readEnvironment = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new EscalaOptions();
        var binder = new OptionsBinder(sourceOf ?? (_ => null));
        binder.BindSection(options, configuration, "");
        return Check(options, [.. binder.Errors], readEnvironment);
    }

    /// <summary>Adds the <c>default</c> queue to options built in code and checks every key.</summary>
    public static EscalaOptions Validate(EscalaOptions options, Func<string, string?>? readEnvironment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options, [], readEnvironment);
    }

    private static EscalaOptions Check(EscalaOptions options, List<string> errors, Func<string, string?>? readEnvironment)
    {
        errors.AddRange(options.Complete(readEnvironment ?? Environment.GetEnvironmentVariable));
        OptionsValidator.Validate(options, "", errors);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        return options;
    }
}
