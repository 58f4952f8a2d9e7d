namespace Escala.Jobs;

/// <summary>A job ready to insert: validated, with every default already applied.</summary>
public sealed record NewJob
{
    public required string Tenant { get; init; }
    public required string Queue { get; init; }
    public required string Kind { get; init; }
    public required string Args { get; init; }
    public int Priority { get; init; }
    public required int MaxAttempts { get; init; }

    /// <summary>When it may run; a time after <c>now</c> makes it <see cref="JobState.Scheduled"/>.</summary>
    public required DateTimeOffset RunAt { get; init; }

    public string? IdempotencyKey { get; init; }
    public IReadOnlyList<string> Resources { get; init; } = [];
    public TimeSpan? Timeout { get; init; }
    public TimeSpan? Backoff { get; init; }
}
