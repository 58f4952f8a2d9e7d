using System.Text.Json;
using Escala.Jobs;

namespace Escala.Postgres;

/// <summary>Reads and writes the <c>errors</c> column: a JSON array of attempt errors, oldest first.</summary>
internal static class ErrorsJson
{
    public static string Write(AttemptError error)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteNumber("attempt", error.Attempt);
            writer.WriteString("at", Instants.ToDb(error.At));
            writer.WriteString("message", error.Message);
            writer.WriteString("kind", error.Kind);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static IReadOnlyList<AttemptError> Read(string json)
    {
        if (json == "[]")
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        var errors = new List<AttemptError>(document.RootElement.GetArrayLength());
        foreach (var e in document.RootElement.EnumerateArray())
        {
            errors.Add(new AttemptError(
                e.GetProperty("attempt").GetInt32(),
                e.GetProperty("at").GetDateTimeOffset(),
                e.GetProperty("message").GetString() ?? string.Empty,
                e.GetProperty("kind").GetString() ?? string.Empty));
        }

        return errors;
    }
}
