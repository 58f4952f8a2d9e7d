using System.Text.Json.Serialization;

namespace Escala.Client;

/// <summary>A job as a user submits it (API body, CLI, bench). <see cref="JobClient"/> validates it.</summary>
public sealed record JobRequest
{
    public string? Kind { get; init; }

    /// <summary>Defaults to <c>default</c>.</summary>
    public string? Queue { get; init; }

    /// <summary>The arguments as JSON text (any JSON value in a request body); defaults to <c>{}</c>.</summary>
    [JsonConverter(typeof(RawJsonConverter))]
    public string? Args { get; init; }

    /// <summary>Higher runs first within the queue, −100..100; defaults to 0.</summary>
    public int? Priority { get; init; }

    /// <summary>Defaults to the queue's.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Run no earlier than this instant.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>Run no earlier than this long from now (<c>500ms</c>, <c>10s</c>, <c>2m</c>).</summary>
    public string? Delay { get; init; }

    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// What per-key limits and the fair share count this job by within its tenant (<c>user:42</c>); see
    /// <see cref="Jobs.ConcurrencyKeys"/>. Unset by default: only the resources' global limits hold.
    /// </summary>
    public string? ConcurrencyKey { get; init; }

    /// <summary>Resources this job needs besides its kind's defaults.</summary>
    public IReadOnlyList<string>? Resources { get; init; }

    /// <summary>Timeout of one attempt; defaults to the queue's.</summary>
    public string? Timeout { get; init; }

    /// <summary>Backoff base; defaults to the queue's.</summary>
    public string? Backoff { get; init; }

    /// <summary>Tokens the job is expected to use (for resources with a token budget); defaults to the kind's estimate (<c>llm.chat</c>).</summary>
    public long? Tokens { get; init; }

    /// <summary>Complete at once with the result of an identical job (same kind and arguments) completed within <c>cache.ttl</c>.</summary>
    public CacheRequest? Cache { get; init; }

    /// <summary>At most one job of the tenant with <c>unique.key</c> waiting, running, or finished within <c>unique.for</c>.</summary>
    public UniqueRequest? Unique { get; init; }

    /// <summary>POST the outcome, signed, to <c>callback.url</c> once the job is completed, dead or cancelled.</summary>
    public CallbackRequest? Callback { get; init; }
}
