namespace Escala.Server.Hosting;

/// <summary>Conservative security headers on every response.</summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseEscalaSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        return next(context);
    });
}
