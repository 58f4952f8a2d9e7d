using System.Text;
using System.Text.Json;

namespace Escala.FakeDependency.OpenAI;

/// <summary>The fake model's tokenizer (one token per whitespace-separated word, 3 more per message) and its replies.</summary>
public static class ChatText
{
    private static readonly string[] Filler = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit"];

    /// <summary>Prompt tokens of a <c>messages</c> array.</summary>
    public static int PromptTokens(JsonElement messages)
    {
        var tokens = 0;
        foreach (var message in messages.EnumerateArray())
        {
            tokens += 3 + Words(Content(message)).Length;
        }

        return tokens;
    }

    /// <summary>
    /// The reply's tokens: the last user message's words echoed in a loop (the filler when it has none), each
    /// with a leading space after the first, so that joining them gives the reply.
    /// </summary>
    public static string[] Reply(JsonElement messages, int count)
    {
        var source = Filler;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.TryGetProperty("role", out var role) && role.ValueEquals("user") && Words(Content(message)) is { Length: > 0 } words)
            {
                source = words;
            }
        }

        var tokens = new string[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = (i == 0 ? "" : " ") + source[i % source.Length];
        }

        return tokens;
    }

    private static string Content(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? "";
        }

        // Content parts: [{"type":"text","text":"…"}].
        var text = new StringBuilder();
        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    text.Append(t.GetString()).Append(' ');
                }
            }
        }

        return text.ToString();
    }

    private static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
