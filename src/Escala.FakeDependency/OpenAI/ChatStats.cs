namespace Escala.FakeDependency.OpenAI;

/// <summary>What <c>GET /_openai/stats</c> answers.</summary>
/// <param name="Requests">Every chat request seen.</param>
/// <param name="Served">Requests answered with a completion.</param>
/// <param name="Streamed">Of those, streamed ones.</param>
/// <param name="Errors">Requests answered 500 (injected).</param>
/// <param name="Throttled">Requests answered 429 (injected or over the token budget).</param>
/// <param name="WindowMs">The window <paramref name="MaxTokensInWindow"/> was measured over (the budget's, or <c>?window=</c>).</param>
/// <param name="MaxTokensInWindow">The most tokens served in any such window.</param>
/// <param name="FirstServedMs">Arrival of the first served request (Unix ms); with <paramref name="LastServedMs"/> gives throughput.</param>
public sealed record ChatStats(
    long Requests,
    long Served,
    long Streamed,
    long Errors,
    long Throttled,
    long PromptTokens,
    long CompletionTokens,
    long InFlight,
    long MaxInFlight,
    long WindowMs,
    long MaxTokensInWindow,
    long FirstServedMs,
    long LastServedMs);
