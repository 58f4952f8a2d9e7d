using System.Text.Json;

namespace Escala.Workloads.Pii;

/// <summary>The JSON shape of entities and results: camelCase, as the rest of the API.</summary>
public static class PiiJson
{
    /// <summary>camelCase, no indentation.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
