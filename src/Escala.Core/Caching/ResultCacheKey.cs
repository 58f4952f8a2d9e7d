using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Escala.Configuration;

namespace Escala.Caching;

/// <summary>
/// The result-cache key of a request: SHA-256 of its kind and its arguments in canonical JSON (object members sorted
/// by name, no whitespace), so key order and spacing do not matter. For <c>llm.chat</c>, <c>stream</c> is left out
/// (it changes how the result arrives, not the result): model, messages and parameters remain. The tenant is not in
/// the key; every lookup is scoped by tenant.
/// </summary>
public static class ResultCacheKey
{
    public static string For(string kind, string args)
    {
        using var document = JsonDocument.Parse(args);
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, document.RootElement, kind == ModelDefaults.Kind ? "stream" : null);
        }

        var kindBytes = Encoding.UTF8.GetBytes(kind + "\n");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(kindBytes);
        sha.AppendData(buffer.GetBuffer(), 0, (int)buffer.Length);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, string? skipTopLevel)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (property.Name == skipTopLevel)
                    {
                        continue;
                    }

                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, null);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, null);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
