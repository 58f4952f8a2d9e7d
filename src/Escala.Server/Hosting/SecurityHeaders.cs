namespace Escala.Server.Hosting;

/// <summary>Conservative security headers on every response, error responses included.</summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseEscalaSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        Apply(context.Response);
        return next(context);
    });

    /// <summary>The headers, for whatever writes a response without an <see cref="HttpResponse"/> (Kestrel's refusals).</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> All =
    [
        new("X-Content-Type-Options", "nosniff"),
        new("X-Frame-Options", "DENY"),
        new("Referrer-Policy", "no-referrer"),
        new("Cross-Origin-Resource-Policy", "same-origin"),
    ];

    /// <summary>Sets the headers; called again by whatever clears a response to write an error.</summary>
    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        foreach (var (name, value) in All)
        {
            headers[name] = value;
        }
    }
}
