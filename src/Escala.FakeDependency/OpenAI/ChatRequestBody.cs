using System.Text.Json;

namespace Escala.FakeDependency.OpenAI;

/// <summary>The parts of a chat completion request the fake model reads.</summary>
public sealed record ChatRequestBody(string Model, JsonElement Messages, bool Stream, int? MaxTokens, int PromptTokens)
{
    /// <summary>Reads a request; throws when <c>messages</c> is missing or not an array of objects.</summary>
    public static ChatRequestBody Read(JsonElement root)
    {
        var messages = root.GetProperty("messages");
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0
            || messages.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.Object))
        {
            throw new FormatException("messages");
        }

        int? maxTokens = null;
        foreach (var name in (string[])["max_completion_tokens", "max_tokens"])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                maxTokens = value.GetInt32();
                break;
            }
        }

        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "fake";
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        return new ChatRequestBody(model, messages.Clone(), stream, maxTokens, ChatText.PromptTokens(messages));
    }
}
