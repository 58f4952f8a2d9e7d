using System.Text.Json;
using System.Text.Json.Serialization;

namespace Escala.Client;

/// <summary>A job as the API shows it: state, arguments, result, progress and the error of every failed attempt.</summary>
public sealed record EscalaJob
{
    public long Id { get; init; }

    public string Kind { get; init; } = "";

    public string Queue { get; init; } = "";

    /// <summary><c>scheduled</c>, <c>available</c>, <c>running</c>, <c>retryable</c>, <c>completed</c>, <c>cancelled</c> or <c>dead</c>.</summary>
    public string State { get; init; } = "";

    public JsonElement Args { get; init; }

    public JsonElement? Result { get; init; }

    public JsonElement? Progress { get; init; }

    public int Priority { get; init; }

    public int Attempt { get; init; }

    public int MaxAttempts { get; init; }

    public string? IdempotencyKey { get; init; }

    public IReadOnlyList<EscalaAttemptError> Errors { get; init; } = [];

    public bool CancelRequested { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>For a submit: true when this call created the job, false when its idempotency key matched one; null otherwise.</summary>
    [JsonIgnore]
    public bool? Created { get; init; }

    /// <summary>True once the job is <c>completed</c>, <c>cancelled</c> or <c>dead</c>.</summary>
    [JsonIgnore]
    public bool IsFinal => State is "completed" or "cancelled" or "dead";

    /// <summary>The result bound to <typeparamref name="T"/> (web defaults).</summary>
    public T? ResultAs<T>() => Result is { } r ? r.Deserialize<T>(JsonSerializerOptions.Web) : default;
}
