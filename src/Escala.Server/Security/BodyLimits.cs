using Escala.Configuration;
using Microsoft.AspNetCore.Http.Features;

namespace Escala.Server.Security;

/// <summary>
/// Each endpoint's largest body, enforced by Kestrel while reading (a declared larger body is refused before
/// it is read; a chunked one when it passes the limit): a submit carries at most the arguments limit and an
/// envelope, a batch <c>security:maxBatchBodyBytes</c>, a worker's result or progress the arguments limit, and
/// calls that carry no job data (leases, heartbeats, pauses, keys) 64 KiB.
/// </summary>
/// <remarks>
/// Bodies larger than a submit (batches) are read at most <see cref="SecurityDefaults.LargeBodiesAtOnce"/> at a time
/// per node; others wait for a turn (up to <see cref="SecurityDefaults.LargeBodyWait"/>, then 503 with Retry-After),
/// so twenty concurrent 100 MiB posts cannot hold twenty large buffers at once.
/// </remarks>
public sealed class BodyLimits(RequestDelegate next, EscalaSettings settings, SecuritySettings security)
{
    private readonly SemaphoreSlim _large = new(SecurityDefaults.LargeBodiesAtOnce);

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = LimitFor(context.Request.Method, RouteOf.Get(context), settings, security);
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        if (limit <= settings.MaxArgsBytes + SecurityDefaults.EnvelopeBytes || context.Request.ContentLength is 0)
        {
            await next(context);
            return;
        }

        if (!await _large.WaitAsync(SecurityDefaults.LargeBodyWait, context.RequestAborted))
        {
            context.Response.Headers.RetryAfter = "5";
            await ProblemWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                "Too many large requests are being read on this node; retry shortly.");
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            _large.Release();
        }
    }

    public static long LimitFor(string method, string route, EscalaSettings settings, SecuritySettings security)
    {
        var path = route;
        var withArgs = settings.MaxArgsBytes + SecurityDefaults.EnvelopeBytes;
        if (!RequestGuards.ChangesState(method))
        {
            return SecurityDefaults.SmallBodyBytes;
        }

        if (path == "/v1/pii/scan")
        {
            return Escala.Workloads.Pii.PiiDefaults.MaxSyncRequestBytes; // the text's own limit is checked after parsing
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
