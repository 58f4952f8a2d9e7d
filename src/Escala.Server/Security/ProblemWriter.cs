using System.Text.Json;
using Escala.Server.Hosting;

namespace Escala.Server.Security;

/// <summary>Writes RFC 9457 problem+json from middleware, where no endpoint result exists: no type names, no exception text.</summary>
public static class ProblemWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(HttpContext context, int status, string detail, string? field = null, string? message = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        var retryAfter = response.Headers.RetryAfter;
        var authenticate = response.Headers.WWWAuthenticate;
        var allow = response.Headers.Allow;
        response.Clear();
        SecurityHeaders.Apply(response);
        response.Headers.RetryAfter = retryAfter;
        response.Headers.WWWAuthenticate = authenticate;
        response.Headers.Allow = allow;
        response.Headers.CacheControl = "no-store";
        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        var body = Body(status, detail, field, message);
        if (System.Diagnostics.Activity.Current?.TraceId.ToString() is { } trace)
        {
            body["traceId"] = trace;
        }

        return context.Request.Method == HttpMethods.Head
            ? Task.CompletedTask
            : response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }

    /// <summary>The problem document's members: type, title, status, detail, and the field at fault under <c>errors</c>.</summary>
    public static Dictionary<string, object?> Body(int status, string detail, string? field = null, string? message = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = TypeFor(status),
            ["title"] = TitleFor(status),
            ["status"] = status,
            ["detail"] = detail,
        };
        if (field is not null)
        {
            body["errors"] = new Dictionary<string, string[]> { [field] = [message ?? detail] };
        }

        return body;
    }

    public static string TitleFor(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        406 => "Not acceptable",
        408 => "Request timeout",
        409 => "Conflict",
        411 => "Length required",
        413 => "Payload too large",
        414 => "URI too long",
        415 => "Unsupported media type",
        421 => "Misdirected request",
        422 => "Unprocessable entity",
        429 => "Too many requests",
        431 => "Request header fields too large",
        503 => "Service unavailable",
        >= 500 => "Internal server error",
        _ => "Error",
    };

    private static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}
