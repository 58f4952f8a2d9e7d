using System.Text.Json;

namespace Escala.Server.Api;

/// <summary>
/// Turns a streaming job's progress into <c>token</c> events. A job streams by reporting progress
/// <c>{"text": "…the whole reply so far…", "tokens": N}</c> (the <c>llm.chat</c> kind does, and so can any external
/// worker); each event carries only the part not sent yet, so a watcher that misses a progress write misses no text.
/// </summary>
public sealed class TokenEvents
{
    private int _sent;

    /// <summary>The new text in <paramref name="progress"/>, or null when it is not streaming progress or has nothing new.</summary>
    public string? Next(string? progress)
    {
        if (progress is null || !progress.Contains("\"text\"", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(progress);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var value = text.GetString()!;
            if (value.Length <= _sent)
            {
                return null;
            }

            var delta = value[_sent..];
            _sent = value.Length;
            var tokens = root.TryGetProperty("tokens", out var t) && t.TryGetInt32(out var n) ? n : (int?)null;
            return JsonSerializer.Serialize(new { text = delta, offset = value.Length - delta.Length, tokens }, JsonOptions.Api);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
