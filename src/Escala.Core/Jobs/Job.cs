namespace Escala.Jobs;

/// <summary>A unit of work as the store keeps it. Immutable: stores return a new one after every change.</summary>
public sealed record Job
{
    public required long Id { get; init; }
    public required string Tenant { get; init; }
    public required string Queue { get; init; }
    public required string Kind { get; init; }

    /// <summary>The arguments as a JSON document (raw text, never logged).</summary>
    public required string Args { get; init; }

    /// <summary>Higher runs first within a queue.</summary>
    public int Priority { get; init; }

    public required JobState State { get; init; }

    /// <summary>Attempts started so far; the first lease makes it 1.</summary>
    public int Attempt { get; init; }

    public required int MaxAttempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the job may next run (its schedule, or the end of its backoff).</summary>
    public required DateTimeOffset RunAt { get; init; }

    /// <summary>When the latest attempt started.</summary>
    public DateTimeOffset? AttemptedAt { get; init; }

    /// <summary>When the job reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    public string? IdempotencyKey { get; init; }

    /// <summary>The governed resources this job needs (e.g. <c>llm</c>); admission control applies their limits.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>Per-job timeout of one attempt; null means the queue's.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Per-job base of the exponential backoff; null means the queue's.</summary>
    public TimeSpan? Backoff { get; init; }

    /// <summary>The result as a JSON document, once completed.</summary>
    public string? Result { get; init; }

    /// <summary>The latest progress report as a JSON document.</summary>
    public string? Progress { get; init; }

    /// <summary>One entry per failed attempt, oldest first.</summary>
    public IReadOnlyList<AttemptError> Errors { get; init; } = [];

    /// <summary>The token of the current lease, while running. A lease is named by job id and token together (jobs leased in one call may share a token).</summary>
    public string? LeaseToken { get; init; }

    /// <summary>The node or worker holding the lease, while running.</summary>
    public string? LeasedBy { get; init; }

    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>A cancel was asked for while the job was running; the runner should stop it.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>The W3C trace context (<c>traceparent</c>) of the submit; each attempt's span is its child.</summary>
    public string? Traceparent { get; init; }

    /// <summary>The workflow this job is a step of; null for a job on its own.</summary>
    public long? WorkflowId { get; init; }

    /// <summary>The step's name in its workflow (a spawned child: its spawner's name, a dot and its ordinal, e.g. <c>detect.3</c>).</summary>
    public string? Step { get; init; }

    /// <summary>What per-key limits and the fair share count the job by, within its tenant; null for none.</summary>
    public string? ConcurrencyKey { get; init; }

    public LeaseRef Lease => new(Id, LeaseToken ?? string.Empty);

    /// <summary>Completed from the result cache: a job completed without any attempt can only have come from there.</summary>
    public bool Cached => State == JobState.Completed && Attempt == 0;
}

/// <summary>Names one lease of one job: stores apply a change only while the job is still running under this token.</summary>
public readonly record struct LeaseRef(long JobId, string Token);
