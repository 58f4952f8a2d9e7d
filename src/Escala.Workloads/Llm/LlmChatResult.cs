namespace Escala.Workloads.Llm;

/// <summary>The result of an <c>llm.chat</c> job.</summary>
/// <param name="Model">The model that answered (the fallback's name when <paramref name="FallbackFrom"/> is set).</param>
/// <param name="Endpoint">The endpoint that answered (<c>llm.qwen.0</c>).</param>
/// <param name="Message">The reply.</param>
/// <param name="FinishReason"><c>stop</c>, <c>length</c>, <c>content_filter</c>… as the provider said.</param>
/// <param name="Usage">Tokens used, as the provider counted them.</param>
/// <param name="TimeToFirstTokenMs">From the call to the first token of the reply (the whole reply when not streaming).</param>
/// <param name="DurationMs">The whole call.</param>
/// <param name="FallbackFrom">The model the job asked for, when its endpoints' breakers were open and the fallback answered.</param>
public sealed record LlmChatResult(
    string Model,
    string Endpoint,
    LlmMessage Message,
    string? FinishReason,
    LlmUsage Usage,
    double TimeToFirstTokenMs,
    double DurationMs,
    string? FallbackFrom);

/// <summary>A chat message.</summary>
/// <param name="Role">Always <c>assistant</c> in a result.</param>
/// <param name="Content">The text.</param>
public sealed record LlmMessage(string Role, string Content);

/// <summary>Tokens the call used, as the provider counted them (0 when it did not say).</summary>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Generated tokens.</param>
/// <param name="TotalTokens">Both.</param>
public sealed record LlmUsage(long InputTokens, long OutputTokens, long TotalTokens);
