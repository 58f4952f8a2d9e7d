using Escala.Security;

namespace Escala.Server.Security;

/// <summary>
/// The scope a request needs, by DESIGN.md's convention, so an endpoint added later is protected without
/// remembering to: <c>/v1/workers/*</c> worker; <c>/v1/keys</c>, <c>/v1/audit</c> and queue pause/resume admin;
/// other <c>/v1</c> reads read and writes submit; <c>/metrics</c> read. Health, docs and static assets need none.
/// </summary>
public static class ScopeRules
{
    public static string? Required(HttpRequest request, bool publicMetrics)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/metrics"))
        {
            return publicMetrics ? null : Scopes.Read;
        }

        if (!path.StartsWithSegments("/v1", out var rest))
        {
            return null;
        }

        if (rest.StartsWithSegments("/workers"))
        {
            return Scopes.Worker;
        }

        if (rest.StartsWithSegments("/keys") || rest.StartsWithSegments("/audit"))
        {
            return Scopes.Admin;
        }

        var tail = rest.Value!.TrimEnd('/');
        if (rest.StartsWithSegments("/queues") && (tail.EndsWith("/pause", StringComparison.OrdinalIgnoreCase) || tail.EndsWith("/resume", StringComparison.OrdinalIgnoreCase)))
        {
            return Scopes.Admin;
        }

        return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            ? Scopes.Read
            : Scopes.Submit;
    }
}
