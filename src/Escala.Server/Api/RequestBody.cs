using System.Text.Json;

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
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}
