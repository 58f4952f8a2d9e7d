using Escala.Configuration;
using Escala.Storage;

namespace Escala.Server.Security;

/// <summary>Secure by default: a node reachable beyond loopback refuses to start while nothing could authenticate a caller.</summary>
public static partial class SecurityStartup
{
    /// <summary>Throws <see cref="ConfigurationException"/> (exit code 2) when the node listens beyond loopback without keys or JWT.</summary>
    /// <remarks>A <c>worker</c> node serves no API (only health and metrics, which then need keys too), so it may start without one.</remarks>
    public static async Task CheckAsync(SecuritySettings security, IKeyStore keys, string urls, string role)
    {
        if (security.LoopbackOnly || security.JwtEnabled || !NodeRoles.ServesApi(role) || await keys.CountActiveKeysAsync(CancellationToken.None) > 0)
        {
            return;
        }

        throw new ConfigurationException(
        [
            $"security: the node would listen beyond loopback ({urls}) and no API key exists, so anyone reaching it could use it. " +
            "Create a key first with `escala keys create --tenant default --scopes admin,submit,read,worker` (same --store/--data/--config as serve), " +
            "or configure security:jwt, or listen on 127.0.0.1.",
        ]);
    }

    /// <summary>Says at start-up when requests without credentials are served.</summary>
    public static async Task AnnounceAsync(SecuritySettings security, IKeyStore keys, ILogger logger)
    {
        if (!security.LoopbackOnly || security.Options.Open == false)
        {
            return;
        }

        if (security.Options.Open == true)
        {
            LogOpen(logger, "security:open is true");
        }
        else if (!security.JwtEnabled && await keys.CountActiveKeysAsync(CancellationToken.None) == 0)
        {
            LogOpen(logger, "no API key exists yet; it ends when the first key is created (escala keys create)");
        }
    }

    [LoggerMessage(EventId = 7200, Level = LogLevel.Warning,
        Message = "OPEN MODE: requests without credentials act as tenant 'default' with every scope, on loopback only ({Why})")]
    private static partial void LogOpen(ILogger logger, string why);
}
