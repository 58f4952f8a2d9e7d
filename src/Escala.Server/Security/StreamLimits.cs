namespace Escala.Server.Security;

/// <summary>Caps open server-sent event streams (<c>GET /v1/…/events</c>) per key and on the node: beyond, 429 with Retry-After.</summary>
public sealed class StreamLimits(RequestDelegate next, StreamSlots slots)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var route = RouteOf.Get(context); // routing ignores case: /V1/JOBS/1/EVENTS is a stream too
        if (!HttpMethods.IsGet(request.Method) || !route.StartsWith("/v1/", StringComparison.Ordinal) || !route.EndsWith("/events", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var caller = Caller.Of(context)?.RateKey ?? "anonymous";
        if (!slots.TryTake(caller))
        {
            context.Response.Headers.RetryAfter = "5";
            await ProblemWriter.WriteAsync(context, StatusCodes.Status429TooManyRequests,
                "Too many event streams are open for these credentials or on this node; close one or retry later.");
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            slots.Give(caller);
        }
    }
}
