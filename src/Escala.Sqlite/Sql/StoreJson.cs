using System.Text.Json.Serialization;
using Escala.Jobs;

namespace Escala.Sqlite.Sql;

/// <summary>JSON of the columns the store keeps as documents (attempt errors).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AttemptError))]
[JsonSerializable(typeof(List<AttemptError>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(Dictionary<string, long[]>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<long>))]
internal sealed partial class StoreJson : JsonSerializerContext
{
    /// <summary>A JSON array of strings, for <c>json_each</c>.</summary>
    public static string Array(IReadOnlyList<string> values) => System.Text.Json.JsonSerializer.Serialize(values, Default.IReadOnlyListString);

    /// <summary>A JSON array of ids, for <c>json_each</c>.</summary>
    public static string Array(IReadOnlyList<long> values) => System.Text.Json.JsonSerializer.Serialize(values, Default.IReadOnlyListInt64);
}
