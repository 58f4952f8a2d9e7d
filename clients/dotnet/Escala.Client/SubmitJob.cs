namespace Escala.Client;

/// <summary>A job to submit. <see cref="Args"/> is any JSON-serializable value; durations are strings such as <c>30s</c>.</summary>
public sealed record SubmitJob
{
    public SubmitJob(string kind, object? args = null)
    {
        Kind = kind;
        Args = args;
    }

    public string Kind { get; init; }

    public object? Args { get; init; }

    public string? Queue { get; init; }

    public int? Priority { get; init; }

    public int? MaxAttempts { get; init; }

    public DateTimeOffset? RunAt { get; init; }

    public string? Delay { get; init; }

    public string? Timeout { get; init; }

    public string? Backoff { get; init; }

    /// <summary>Submitting twice with one key creates one job (the second submit returns it with <see cref="EscalaJob.Created"/> false).</summary>
    public string? IdempotencyKey { get; init; }

    public IReadOnlyList<string>? Resources { get; init; }
}
