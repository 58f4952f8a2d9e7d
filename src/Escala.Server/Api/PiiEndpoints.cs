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

    private static async Task<IResult> ScanAsync(HttpContext http, PiiScanService service, CancellationToken ct)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // JSON escapes may take up to six bytes a character: bound the read, then check the text's own size.
            limit.MaxRequestBodySize = Math.Min(limit.MaxRequestBodySize ?? long.MaxValue, 6L * PiiDefaults.MaxSyncBytes + 4096);
        }

        var request = await RequestBody.ReadAsync<PiiScanRequest>(http.Request, ct);
        var errors = request.Validate(PiiDefaults.MaxSyncBytes, out var texts);
        if (errors.Count > 0)
        {
            var tooLarge = errors.Values.Any(m => m[0].StartsWith("Larger than", StringComparison.Ordinal));
            throw new JobValidationException(tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
                tooLarge ? "Payload too large" : "Invalid PII scan request", errors);
        }

        if (request.Texts is null)
        {
            return Results.Ok(service.Scan(texts[0], request));
        }

        return Results.Ok(new { results = texts.Select(t => service.Scan(t, request)).ToList() });
    }
}
