using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Escala.Server.Api;

/// <summary>Reads a JSON request body with clear refusals: 415 for another content type, 400 naming where the JSON broke.</summary>
public static class RequestBody
{
    /// <summary>Parses the body into <typeparamref name="T"/>; throws <see cref="ApiProblemException"/> on any fault.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "Content-Type", "Send the body as application/json.");
        }

        // JSON between systems is UTF-8 (RFC 8259), and the body is read as UTF-8: a body declared in another charset
        // would be read as something its sender did not write.
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.Charset.HasValue
            && HeaderUtilities.RemoveQuotes(type.Charset) is var charset
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "Content-Type", "Send the body as UTF-8 (charset=utf-8, or no charset).");
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, JsonOptions.Api, ct)
                ?? throw new ApiProblemException(StatusCodes.Status400BadRequest, "body", "The body is empty or null.");
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            var unknown = ex.Message.Contains("could not be mapped", StringComparison.Ordinal);
            // The serializer's own message names .NET types ("could not be converted to System.String"): never echo it.
            var message = unknown ? "Unknown field."
                : Escala.Client.JsonFaults.IsDuplicateProperty(ex) ? "Duplicate field: a field may appear once in an object."
                : ex.Message.Contains("could not be converted", StringComparison.Ordinal) ? "Wrong type of JSON value for this field."
                : $"Malformed JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).";
            throw new ApiProblemException(StatusCodes.Status400BadRequest, field, message);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, "body", "The request body is too large.");
        }
    }

}

/// <summary>The API's JSON conventions: camelCase, case-insensitive reading, enums as strings.</summary>
public static class JsonOptions
{
    public static JsonSerializerOptions Api { get; } = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = false,
        // {"kind":"a","kind":"b"} is refused rather than read as its last value: a proxy or validator that reads the
        // first one would see another request than the node runs.
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}
