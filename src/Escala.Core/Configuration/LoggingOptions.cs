using Microsoft.Extensions.Logging;

namespace Escala.Configuration;

/// <summary>Log levels (<c>logging</c>); logs are JSON lines on standard output.</summary>
public sealed class LoggingOptions
{
    /// <summary>
    /// The least level logged per category (<c>logging:logLevel:Default</c>, <c>logging:logLevel:Escala</c>):
    /// Trace, Debug, Information, Warning, Error, Critical or None.
    /// </summary>
    /// <value>Defaults to Information, and Warning for <c>Microsoft.AspNetCore</c> and <c>System.Net.Http.HttpClient</c>.</value>
    public Dictionary<string, LogLevel> LogLevel { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
