using Microsoft.Extensions.Logging;

namespace Escala.Configuration;

/// <summary>Defaults of <see cref="LoggingOptions"/>.</summary>
public static class LoggingDefaults
{
    /// <summary>
    /// Information for everything, but Warning for ASP.NET Core's per-request lines and for
    /// <c>HttpClient</c>, which logs every outbound URL at Information (a job's URL can carry tokens or personal data).
    /// </summary>
    public static IReadOnlyDictionary<string, LogLevel> LogLevel { get; } = new Dictionary<string, LogLevel>
    {
        ["Default"] = Microsoft.Extensions.Logging.LogLevel.Information,
        ["Microsoft.AspNetCore"] = Microsoft.Extensions.Logging.LogLevel.Warning,
        ["System.Net.Http.HttpClient"] = Microsoft.Extensions.Logging.LogLevel.Warning,
    };
}
