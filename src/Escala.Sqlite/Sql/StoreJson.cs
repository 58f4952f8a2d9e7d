using System.Text.Json.Serialization;
using Escala.Jobs;

namespace Escala.Sqlite.Sql;

/// <summary>JSON of the columns the store keeps as documents (attempt errors).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AttemptError))]
[JsonSerializable(typeof(List<AttemptError>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class StoreJson : JsonSerializerContext;
