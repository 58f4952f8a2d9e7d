using System.Data.Common;
using System.Text.RegularExpressions;

namespace Escala.Server.Security;

/// <summary>
/// The outermost middleware: every refusal leaves as problem+json. A bad request the framework detects
/// (parameter binding, a body too large, too slow or cut off) is answered with its status and the field at
/// fault and logged at debug level without a stack trace; an empty error response (routing's 404 and 405)
/// gets a problem body; an unexpected exception is a 500 that names no type and quotes no exception text.
/// </summary>
public sealed partial class ErrorResponses(RequestDelegate next, ILogger<ErrorResponses> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            LogRefused(logger, ex.StatusCode, context.Request.Method, context.Request.Path.Value ?? "");
            var (field, message) = Describe(ex);
            await ProblemWriter.WriteAsync(context, ex.StatusCode, DetailFor(ex.StatusCode), field, message);
            return;
        }
        catch (Api.ApiProblemException ex)
        {
            // Endpoints outside the /v1 group's filter (the keys endpoints) refuse a body the same way.
            await ProblemWriter.WriteAsync(context, ex.Status, ex.Detail, ex.Field);
            return;
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            LogAborted(logger, context.Request.Method, context.Request.Path.Value ?? "");
            return;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException || ex.InnerException is DbException or TimeoutException)
        {
            LogStoreUnavailable(logger, ex.GetType().Name);
            context.Response.Headers.RetryAfter = "1";
            await ProblemWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                "The job store is unreachable and the request was not acknowledged. Retry shortly.");
            return;
        }
        catch (Exception ex)
        {
            LogUnhandled(logger, ex, context.Request.Method, context.Request.Path.Value ?? "");
            await ProblemWriter.WriteAsync(context, StatusCodes.Status500InternalServerError,
                "The server could not handle the request. It was logged; nothing is known to have changed.");
            return;
        }

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            await ProblemWriter.WriteAsync(context, response.StatusCode, DetailFor(response.StatusCode));
        }
    }

    /// <summary>The parameter a binding error names (never its .NET type), or the body.</summary>
    private static (string? Field, string? Message) Describe(BadHttpRequestException ex)
    {
        if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("body", "The request body is too large for this endpoint.");
        }

        if (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            return ("body", "The request body arrived too slowly.");
        }

        var match = ParameterPattern().Match(ex.Message);
        if (match.Success && !ex.Message.Contains("request body", StringComparison.Ordinal))
        {
            var name = match.Groups["name"].Value;
            return ex.Message.StartsWith("Required", StringComparison.Ordinal)
                ? (name, "Required.")
                : (name, "Not a valid value for this parameter.");
        }

        return ("body", ex.StatusCode == StatusCodes.Status415UnsupportedMediaType
            ? "Send the body as application/json."
            : "The body could not be read as the JSON this endpoint expects.");
    }

    public static string DetailFor(int status) => status switch
    {
        400 => "The request is malformed.",
        401 => "Send a valid API key or token in the Authorization header (Bearer).",
        403 => "The credentials do not allow this request.",
        404 => "There is nothing at this address.",
        405 => "This address does not accept that method.",
        408 => "The request took too long to arrive.",
        413 => "The request body is too large.",
        414 => "The request URL is too long.",
        415 => "Send the body as application/json.",
        429 => "Too many requests; wait for Retry-After.",
        431 => "The request headers are too large.",
        _ => ProblemWriter.TitleFor(status) + ".",
    };

    [GeneratedRegex("parameter \"(?:[^\"]*\\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex ParameterPattern();

    [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "Refused {Method} {Path} with {Status}")]
    private static partial void LogRefused(ILogger logger, int status, string method, string path);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "{Method} {Path}: the client went away")]
    private static partial void LogAborted(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "The store failed a request ({Failure}); answered 503")]
    private static partial void LogStoreUnavailable(ILogger logger, string failure);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Path}; answered 500")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
