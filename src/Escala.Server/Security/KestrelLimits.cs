using Escala.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Escala.Server.Security;

/// <summary>
/// Kestrel's limits. Kestrel answers its own refusals with an empty body, so its URL and header limits sit
/// above ours (<see cref="RequestGuards"/> answers 414 and 431 with problem+json first); its body ceiling is
/// the largest any endpoint allows, and <see cref="BodyLimits"/> lowers it per endpoint.
/// </summary>
public static class KestrelLimits
{
    public static void Apply(KestrelServerLimits limits, EscalaSettings settings, SecuritySettings security)
    {
        limits.MaxRequestBodySize = BodyLimits.Ceiling(settings, security);
        limits.MaxRequestLineSize = 4 * SecurityDefaults.MaxUrlBytes;
        limits.MaxRequestHeadersTotalSize = 4 * SecurityDefaults.MaxHeaderBytes;
        limits.MaxRequestHeaderCount = 4 * SecurityDefaults.MaxHeaderCount;
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(10));
    }
}
