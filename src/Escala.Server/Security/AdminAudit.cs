using Escala.Security;

namespace Escala.Server.Security;

/// <summary>Audits every admin-scope change that succeeded (queue pause and resume, and any later admin endpoint); keys audit themselves.</summary>
public sealed class AdminAudit(RequestDelegate next, SecuritySettings security, AuditLog audit)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var request = context.Request;
        if (context.Response.StatusCode < 400 && RequestGuards.ChangesState(request.Method)
            && ScopeRules.Required(request, security.Options.PublicMetrics) == Scopes.Admin
            && !request.Path.StartsWithSegments("/v1/keys") && Caller.Of(context) is { } caller)
        {
            var action = request.Method + " " + ((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "?");
            await audit.RecordAsync(caller.Actor, caller.Tenant, action, request.Path.Value ?? "", null, CancellationToken.None);
        }
    }
}
