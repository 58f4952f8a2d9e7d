using System.Globalization;

namespace Escala.Server.Security;

/// <summary>Applies <see cref="ApiRateLimiter"/> to <c>/v1</c>: beyond a limit, 429 problem+json with <c>Retry-After</c>.</summary>
public sealed class ApiRateLimits(RequestDelegate next, ApiRateLimiter limiter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (limiter.Enabled && context.Request.Path.StartsWithSegments("/v1"))
        {
            var caller = Caller.Of(context);
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            var key = caller is null || caller.Actor == "open" ? null : caller.RateKey;
            if (await limiter.CheckAsync(RouteOf.Get(context), context.Request.Method, key, address, context.RequestAborted) is { } wait)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ProblemWriter.WriteAsync(context, StatusCodes.Status429TooManyRequests,
                    "Rate limit reached; retry after the number of seconds in Retry-After.");
                return;
            }
        }

        await next(context);
    }
}
