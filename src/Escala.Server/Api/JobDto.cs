using Escala.Client;
using System.Text.Json;
using System.Text.Json.Serialization;
using Escala.Jobs;

namespace Escala.Server.Api;

/// <summary>A job as the API shows it. Arguments, result and progress are embedded as JSON, not strings.</summary>
public sealed record JobDto
{
    public required long Id { get; init; }
    public required string Queue { get; init; }
    public required string Kind { get; init; }
    public required string State { get; init; }
    [JsonConverter(typeof(RawJsonConverter))] public required string Args { get; init; }
    public int Priority { get; init; }
    public int Attempt { get; init; }
    public int MaxAttempts { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset RunAt { get; init; }
    public DateTimeOffset? AttemptedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? IdempotencyKey { get; init; }

    /// <summary>What per-key limits and the fair share count the job by; null for none.</summary>
    public string? ConcurrencyKey { get; init; }

    public IReadOnlyList<string> Resources { get; init; } = [];
    [JsonConverter(typeof(RawJsonConverter))] public string? Result { get; init; }
    [JsonConverter(typeof(RawJsonConverter))] public string? Progress { get; init; }
    public IReadOnlyList<AttemptError> Errors { get; init; } = [];
    public bool CancelRequested { get; init; }

    /// <summary>Completed at submission from the result cache (no worker, no resource slot).</summary>
    public bool Cached { get; init; }

    /// <summary>
    /// Why an available job is not running yet ("waiting: resource llm, breaker open"); only on single-job reads
    /// and events, null in lists and when nothing holds the job back.
    /// </summary>
    public string? WaitingReason { get; init; }

    /// <summary>The workflow this job is a step of, and its step name; null for a job on its own.</summary>
    public long? WorkflowId { get; init; }

    public string? Step { get; init; }

    public static JobDto From(Job job) => new()
    {
        Id = job.Id,
        Queue = job.Queue,
        Kind = job.Kind,
        State = job.State.ToWire(),
        Args = job.Args,
        Priority = job.Priority,
        Attempt = job.Attempt,
        MaxAttempts = job.MaxAttempts,
        CreatedAt = job.CreatedAt,
        RunAt = job.RunAt,
        AttemptedAt = job.AttemptedAt,
        FinishedAt = job.FinishedAt,
        IdempotencyKey = job.IdempotencyKey,
        ConcurrencyKey = job.ConcurrencyKey,
        Resources = job.Resources,
        Result = job.Result,
        Progress = job.Progress,
        Errors = job.Errors,
        CancelRequested = job.CancelRequested,
        Cached = job.Cached,
        WorkflowId = job.WorkflowId,
        Step = job.Step,
    };
}
