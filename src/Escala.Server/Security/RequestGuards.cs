using Escala.Configuration;

namespace Escala.Server.Security;

/// <summary>
/// Checks made before anything else reads the request: URL and header sizes (Kestrel's own, larger limits
/// answer without a body, so ours answer first with problem+json), the Host header against the allow-list
/// (DNS rebinding), and no state change from a request a web page could send without a CORS preflight: a
/// POST, PUT, PATCH or DELETE needs a JSON body type or an <c>Authorization</c> header. A body with a
/// <c>Content-Encoding</c> is refused (415): nothing decompresses it.
/// </summary>
public sealed class RequestGuards(RequestDelegate next, SecuritySettings security)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.Value?.Length + request.QueryString.Value?.Length > SecurityDefaults.MaxUrlBytes)
        {
            return ProblemWriter.WriteAsync(context, StatusCodes.Status414UriTooLong, "The request URL is too long.", "url",
                $"At most {SecurityDefaults.MaxUrlBytes} bytes of path and query.");
        }

        if (request.Headers.Count > SecurityDefaults.MaxHeaderCount || HeaderBytes(request.Headers) > SecurityDefaults.MaxHeaderBytes)
        {
            return ProblemWriter.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "The request headers are too large.",
                "headers", $"At most {SecurityDefaults.MaxHeaderCount} headers and {SecurityDefaults.MaxHeaderBytes} bytes in all.");
        }

        if (!HostAllowed(request) && !request.Path.StartsWithSegments("/health"))
        {
            return ProblemWriter.WriteAsync(context, StatusCodes.Status421MisdirectedRequest,
                "This host name is not served here. Add it to security:allowedHosts if it is yours.", "Host", "Host not allowed.");
        }

        // CSRF: POST is the one state-changing method a page on another site can send without a CORS preflight
        // (a form, a simple fetch). PUT, PATCH and DELETE always preflight, and CORS is off unless origins are
        // configured, so a browser never sends them cross-site: `curl -X DELETE` needs no content type.
        if (HttpMethods.IsPost(request.Method) && !request.HasJsonContentType() && !request.Headers.ContainsKey("Authorization"))
        {
            return ProblemWriter.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                "A request that changes something needs Content-Type: application/json or an Authorization header.",
                "Content-Type", "Send application/json (an empty body is fine where none is needed).");
        }

        // A compressed body would be parsed as if it were plain JSON (nothing here decompresses it): refuse it by name.
        if (request.Headers.ContentEncoding is { Count: > 0 } encoding
            && !string.Equals(encoding.ToString(), "identity", StringComparison.OrdinalIgnoreCase))
        {
            return ProblemWriter.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                "Request bodies are not decompressed here: send them without Content-Encoding.", "Content-Encoding", "Not supported.");
        }

        return next(context);
    }

    public static bool ChangesState(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private bool HostAllowed(HttpRequest request)
    {
        var allowed = security.AllowedHosts;
        if (allowed.Count == 0)
        {
            return true;
        }

        var host = request.Host.Host;
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        foreach (var entry in allowed)
        {
            if (entry == "*" || string.Equals(entry, host, StringComparison.OrdinalIgnoreCase)
                || (entry.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(entry[1..], StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static long HeaderBytes(IHeaderDictionary headers)
    {
        long total = 0;
        foreach (var (name, values) in headers)
        {
            total += name.Length + 4;
            foreach (var value in values)
            {
                total += value?.Length ?? 0;
            }
        }

        return total;
    }
}
