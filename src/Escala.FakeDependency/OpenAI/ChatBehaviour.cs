namespace Escala.FakeDependency.OpenAI;

/// <summary>How the fake chat model answers. Set with <c>PUT /_openai/config</c> or at start with <c>--openai:…</c> flags.</summary>
/// <param name="Latency">Time to first token.</param>
/// <param name="TokensPerSecond">Generation speed after the first token; 0 sends every token at once.</param>
/// <param name="CompletionTokens">Tokens in a reply unless <c>max_tokens</c> cuts it short (finish reason <c>length</c>).</param>
/// <param name="ErrorRate">Ratio (0–1) of requests answered 500.</param>
/// <param name="Rate429">Ratio (0–1) of requests answered 429 with <c>Retry-After</c>.</param>
/// <param name="RetryAfterSeconds">The <c>Retry-After</c> of every 429.</param>
/// <param name="TokenBudget">Tokens (prompt + completion) the provider serves per <paramref name="BudgetWindow"/>; 0 for no budget. Above it: 429 with the <c>x-ratelimit-*-tokens</c> headers.</param>
/// <param name="BudgetWindow">The sliding window of <paramref name="TokenBudget"/>.</param>
public sealed record ChatBehaviour(
    TimeSpan Latency,
    double TokensPerSecond,
    int CompletionTokens,
    double ErrorRate,
    double Rate429,
    int RetryAfterSeconds,
    long TokenBudget,
    TimeSpan BudgetWindow)
{
    public static ChatBehaviour Default { get; } = new(TimeSpan.Zero, 0, 16, 0, 0, 1, 0, TimeSpan.FromMinutes(1));

    /// <summary>When set, requests must carry <c>Authorization: Bearer</c> with this key (else 401).</summary>
    public string? ApiKey { get; init; }
}
