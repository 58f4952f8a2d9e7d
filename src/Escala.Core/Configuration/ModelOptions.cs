namespace Escala.Configuration;

/// <summary>
/// One named LLM (<c>models:NAME</c>) that <c>llm.chat</c> jobs call through an OpenAI-compatible API
/// (OpenAI, Gemini's OpenAI endpoint, Ollama, vLLM…).
/// </summary>
public sealed class ModelOptions
{
    /// <summary>Base URLs of the API (<c>http://127.0.0.1:11434/v1</c>); several spread the load, and one whose breaker is open is skipped. Required.</summary>
    public string[] Endpoints { get; set; } = [];

    /// <summary>The model's id at the provider (<c>qwen2.5:7b</c>). Defaults to the entry's name.</summary>
    public string? Model { get; set; }

    /// <summary>
    /// The environment variable holding the API key (<c>GEMINI_API_KEY</c>); when <c>NAME_FILE</c> is set instead, the
    /// key is read from that file. Keys never go in <c>escala.json</c>. Unset by default: no key (Ollama).
    /// </summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>The governed resource every call needs (concurrency, rate, tokens, breaker, 429 pauses). Defaults to <c>llm</c>.</summary>
    public string Resource { get; set; } = ModelDefaults.Resource;

    /// <summary>Another model used when every endpoint of this one has its breaker open. Unset by default.</summary>
    public string? Fallback { get; set; }

    /// <summary>Most tokens a reply may have when the job does not say (<c>maxTokens</c>); also the admission estimate. Defaults to 1024.</summary>
    public int MaxTokens { get; set; } = ModelDefaults.MaxTokens;

    /// <summary>Consecutive transient failures of one endpoint that open its breaker (this node). Defaults to 3.</summary>
    public int EndpointFailures { get; set; } = ModelDefaults.EndpointFailures;

    /// <summary>How long an endpoint's breaker stays open before one probe call. Defaults to 30s.</summary>
    public string EndpointOpenFor { get; set; } = ModelDefaults.EndpointOpenFor;
}
