using System.Text.Json;
using Escala.Configuration;

namespace Escala.Governance.Tokens;

/// <summary>
/// The tokens a job is expected to use, reserved against its resources' token budgets at admission. A submitter may
/// state it (<c>tokens</c> on the job); an <c>llm.chat</c> job gets <see cref="Chat"/> of its arguments. The actual
/// usage settles the reservation afterwards (<see cref="Storage.ITokenLedger"/>).
/// </summary>
public static class TokenEstimates
{
    /// <summary>
    /// A cautious estimate of a chat call: a token per 3 characters of prompt (real tokenizers average about 4 in English,
    /// fewer in Portuguese), 4 more per message, plus the most the reply may have.
    /// </summary>
    public static long Chat(long promptChars, int messages, int maxTokens) => promptChars / 3 + 4L * messages + maxTokens;

    /// <summary>The estimate of a job of <paramref name="kind"/> with <paramref name="args"/>, or null when the kind has none (or the args are not its own).</summary>
    public static long? For(string? kind, string args, IReadOnlyDictionary<string, ModelSettings> models)
    {
        if (kind != ModelDefaults.Kind || models.Count == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(args);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String
                ? models.GetValueOrDefault(m.GetString()!)
                : models.Count == 1 ? models.Values.First() : null;
            if (model is null || !root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            long chars = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                {
                    chars += c.GetString()!.Length;
                }
            }

            var max = root.TryGetProperty("maxTokens", out var t) && t.TryGetInt32(out var n) && n > 0 ? n : model.MaxTokens;
            return Chat(chars, messages.GetArrayLength(), max);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
