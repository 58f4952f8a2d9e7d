namespace Escala.Server.Security;

/// <summary>
/// The matched route's template (<c>/v1/jobs/{id}/cancel</c>, constraints dropped), lower-case and without a trailing slash, or
/// the request path when nothing matched. Rules key on it, not on the raw path: routing ignores case and a
/// trailing slash, so a path comparison could be dodged with <c>/V1/JOBS/</c>.
/// </summary>
public static partial class RouteOf
{
    public static string Get(HttpContext context)
    {
        var template = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        template = Constraint().Replace(template.TrimEnd('/'), "{$1}").ToLowerInvariant();
        return template.StartsWith('/') ? template : "/" + template;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{(\w+)[:?][^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex Constraint();
}
