using System.ComponentModel.DataAnnotations;

namespace Escala.Configuration;

/// <summary>
/// One named LLM (<c>models:NAME</c>) that <c>llm.chat</c> jobs call through an OpenAI-compatible API
/// (OpenAI, Gemini's OpenAI endpoint, Ollama, vLLM…).
/// </summary>
public sealed class ModelOptions : IValidatableOptions
{
    private string? _model;

    /// <summary>The model's name: its key under <c>models</c>.</summary>
    public string Name { get; internal set; } = "";

    /// <summary>Base URLs of the API (<c>http://127.0.0.1:11434/v1</c>); several spread the load, and one whose breaker is open is skipped. Required.</summary>
    public string[] Endpoints { get; set; } = [];

    /// <summary>The model's id at the provider (<c>qwen2.5:7b</c>).</summary>
    /// <value>Defaults to the entry's name.</value>
    public string Model
    {
        get => string.IsNullOrWhiteSpace(_model) ? Name : _model;
        set => _model = value;
    }

    /// <summary>
    /// The environment variable holding the API key (<c>GEMINI_API_KEY</c>); when <c>NAME_FILE</c> is set instead, the
    /// key is read from that file. Keys never go in <c>escala.json</c>.
    /// </summary>
    /// <value>Unset by default: no key (Ollama).</value>
    public string? ApiKeyEnv { get; set; }

    /// <summary>The governed resource every call needs (concurrency, rate, tokens, breaker, 429 pauses).</summary>
    /// <value>Defaults to <see cref="ModelDefaults.Resource"/> (<c>llm</c>).</value>
    public string Resource { get; set; } = ModelDefaults.Resource;

    /// <summary>Another model used when every endpoint of this one has its breaker open.</summary>
    /// <value>Unset by default.</value>
    public string? Fallback { get; set; }

    /// <summary>Most tokens a reply may have when the job does not say (<c>maxTokens</c>); also the admission estimate (1–1,000,000).</summary>
    /// <value>Defaults to <see cref="ModelDefaults.MaxTokens"/> (1024).</value>
    [Range(1, 1_000_000)]
    public int MaxTokens { get; set; } = ModelDefaults.MaxTokens;

    /// <summary>Consecutive transient failures of one endpoint that open its breaker (this node) (1–1,000).</summary>
    /// <value>Defaults to <see cref="ModelDefaults.EndpointFailures"/> (3).</value>
    [Range(1, 1_000)]
    public int EndpointFailures { get; set; } = ModelDefaults.EndpointFailures;

    /// <summary>How long an endpoint's breaker stays open before one probe call.</summary>
    /// <value>Defaults to <see cref="ModelDefaults.EndpointOpenFor"/> (30s).</value>
    [Positive]
    public TimeSpan EndpointOpenFor { get; set; } = ModelDefaults.EndpointOpenFor;

    /// <summary>The API key read from <see cref="ApiKeyEnv"/> at start-up, or null. Never logged.</summary>
    public string? ApiKey { get; private set; }

    /// <summary><see cref="Endpoints"/> as URIs (checked at start-up).</summary>
    public IReadOnlyList<Uri> EndpointUris => Endpoints.Select(e => new Uri(e, UriKind.Absolute)).ToArray();

    /// <summary>The resource that governs one endpoint (<c>llm.qwen.0</c>), as metrics and breakers name it.</summary>
    public string EndpointName(int index) => $"{Resource}.{Name}.{index}";

    /// <summary>Without the key, so a logged or printed model shows none.</summary>
    public override string ToString() => $"{Name} ({Model}, {Endpoints.Length} endpoint(s))";

    /// <inheritdoc />
    public IEnumerable<string> Validate(string path)
    {
        if (Endpoints.Length == 0)
        {
            yield return $"{path}:endpoints: give at least one base URL, such as http://127.0.0.1:11434/v1.";
        }

        for (var i = 0; i < Endpoints.Length; i++)
        {
            if (!Uri.TryCreate(Endpoints[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return $"{path}:endpoints:{i}: '{Endpoints[i]}' is not an http(s) URL.";
            }
        }

        if (!Names.IsValid(Resource))
        {
            yield return $"{path}:resource: '{Resource}' is not a valid resource name.";
        }
    }

    /// <summary>Reads the key named by <see cref="ApiKeyEnv"/> (or its <c>_FILE</c>); returns what went wrong, or null.</summary>
    internal string? ReadApiKey(Func<string, string?> readEnvironment)
    {
        if (string.IsNullOrWhiteSpace(ApiKeyEnv))
        {
            return null;
        }

        if (readEnvironment(ApiKeyEnv) is { Length: > 0 } value)
        {
            ApiKey = value.Trim();
            return null;
        }

        if (readEnvironment(ApiKeyEnv + "_FILE") is not { Length: > 0 } file)
        {
            return $"neither {ApiKeyEnv} nor {ApiKeyEnv}_FILE is set.";
        }

        try
        {
            ApiKey = File.ReadAllText(file).Trim();
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"the file named by {ApiKeyEnv}_FILE cannot be read.";
        }
    }
}
