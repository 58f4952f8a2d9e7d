using System.Text.Json;
using Escala.Client;

namespace Escala.Server.Api;

/// <summary>The body of <c>POST /v1/jobs</c>.</summary>
public sealed record SubmitBody
{
    public string? Kind { get; init; }
    public string? Queue { get; init; }
    public JsonElement? Args { get; init; }
    public int? Priority { get; init; }
    public int? MaxAttempts { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public string? Delay { get; init; }
    public string? IdempotencyKey { get; init; }
    public IReadOnlyList<string>? Resources { get; init; }
    public string? Timeout { get; init; }
    public string? Backoff { get; init; }

    public JobRequest ToRequest() => new()
    {
        Kind = Kind,
        Queue = Queue,
        Args = Args is { ValueKind: not JsonValueKind.Undefined } args ? args.GetRawText() : null,
        Priority = Priority,
        MaxAttempts = MaxAttempts,
        RunAt = RunAt,
        Delay = Delay,
        IdempotencyKey = IdempotencyKey,
        Resources = Resources,
        Timeout = Timeout,
        Backoff = Backoff,
    };
}

/// <summary>The body of <c>POST /v1/jobs/batch</c>.</summary>
public sealed record BatchBody
{
    public IReadOnlyList<SubmitBody>? Jobs { get; init; }
}
