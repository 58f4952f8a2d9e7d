using Escala.Configuration;
using Microsoft.AspNetCore.Http.Features;

namespace Escala.Server.Security;

/// <summary>
/// Each endpoint's largest body, enforced by Kestrel while reading (a declared larger body is refused before
/// it is read; a chunked one when it passes the limit): a submit carries at most the arguments limit and an
/// envelope, a batch <c>security:maxBatchBodyBytes</c>, a worker's result or progress the arguments limit, and
/// calls that carry no job data (leases, heartbeats, pauses, keys) 64 KiB.
/// </summary>
public sealed class BodyLimits(RequestDelegate next, EscalaSettings settings, SecuritySettings security)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = LimitFor(context.Request.Method, RouteOf.Get(context), settings, security);
        }

        return next(context);
    }

    public static long LimitFor(string method, string route, EscalaSettings settings, SecuritySettings security)
    {
        var path = route;
        var withArgs = settings.MaxArgsBytes + SecurityDefaults.EnvelopeBytes;
        if (!RequestGuards.ChangesState(method))
        {
            return SecurityDefaults.SmallBodyBytes;
        }

        if (path == "/v1/jobs/batch")
        {
            return security.Options.MaxBatchBodyBytes;
        }

        if (path.StartsWith("/v1/workers/", StringComparison.Ordinal))
        {
            return path.EndsWith("/complete", StringComparison.Ordinal) || path.EndsWith("/progress", StringComparison.Ordinal)
                ? withArgs
                : SecurityDefaults.SmallBodyBytes;
        }

        if (path.StartsWith("/v1/keys", StringComparison.Ordinal) || path.StartsWith("/v1/queues", StringComparison.Ordinal)
            || path.EndsWith("/cancel", StringComparison.Ordinal) || path.EndsWith("/retry", StringComparison.Ordinal))
        {
            return SecurityDefaults.SmallBodyBytes;
        }

        return withArgs;
    }

    /// <summary>Kestrel's own ceiling: the largest any endpoint allows.</summary>
    public static long Ceiling(EscalaSettings settings, SecuritySettings security) =>
        Math.Max(security.Options.MaxBatchBodyBytes, settings.MaxArgsBytes + SecurityDefaults.EnvelopeBytes);
}
