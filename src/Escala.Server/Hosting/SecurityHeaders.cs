namespace Escala.Server.Hosting;

/// <summary>Conservative security headers on every response, error responses included.</summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseEscalaSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        Apply(context.Response);
        return next(context);
    });

    /// <summary>Sets the headers; called again by whatever clears a response to write an error.</summary>
    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }
}
