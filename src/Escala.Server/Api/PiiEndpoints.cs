using Escala.Client;
using Escala.Workloads.Pii;

namespace Escala.Server.Api;

/// <summary>
/// <c>POST /v1/pii/scan</c>: finds and redacts Brazilian personal data synchronously, for texts up to
/// <see cref="PiiDefaults.MaxSyncBytes"/> (larger ones go through the <c>pii.scan</c> kind). Body: a
/// <see cref="PiiScanRequest"/>; answer: <c>{"entities": [...], "redacted": "..."}</c>, or <c>{"results": [...]}</c> for
/// <c>texts</c>. Offsets are given in UTF-16 units (<c>start</c>, <c>end</c>) and code points (<c>codePointStart</c>,
/// <c>codePointEnd</c>).
/// </summary>
public static class PiiEndpoints
{
    public static IEndpointRouteBuilder MapPii(this IEndpointRouteBuilder v1)
    {
        v1.MapPost("/pii/scan", ScanAsync).WithName("ScanPii").WithTags("PII");
        return v1;
    }

    /// <remarks>The body is capped while reading at <see cref="PiiDefaults.MaxSyncRequestBytes"/> (Security/BodyLimits); the text itself at <see cref="PiiDefaults.MaxSyncBytes"/>.</remarks>
    private static async Task<IResult> ScanAsync(HttpContext http, PiiScanService service, CancellationToken ct)
    {
        var request = await RequestBody.ReadAsync<PiiScanRequest>(http.Request, ct);
        var errors = request.Validate(PiiDefaults.MaxSyncBytes, out var texts);
        if (errors.Count > 0)
        {
            var tooLarge = errors.Values.Any(m => m[0].StartsWith("Larger than", StringComparison.Ordinal));
            var fault = tooLarge ? JobRequestFault.TooLarge : JobRequestFault.Invalid;
            throw new JobValidationException(fault, tooLarge ? JobValidationException.TitleOf(fault) : "Invalid PII scan request", errors);
        }

        if (request.Texts is null)
        {
            return Results.Ok(service.Scan(texts[0], request));
        }

        return Results.Ok(new { results = texts.Select(t => service.Scan(t, request)).ToList() });
    }
}
