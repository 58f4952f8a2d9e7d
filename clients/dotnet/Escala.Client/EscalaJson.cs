using System.Text.Json;
using System.Text.Json.Serialization;

namespace Escala.Client;

/// <summary>The API's JSON: camelCase, nulls left out of requests.</summary>
internal static class EscalaJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
