namespace Escala.Server.LoadTest.Scenarios;

/// <summary>
/// Simulated external workers (the reference documents' Python workers): each of <see cref="Count"/> leases one
/// job at a time from <see cref="Queue"/> over <c>POST /v1/workers/lease</c>, calls <see cref="Dependency"/>, and
/// reports <c>complete</c>, or <c>fail</c> (retryable; <c>throttled</c> with <c>retryAfter</c> on a 429).
/// </summary>
public sealed record WorkerPoolSpec
{
    public required string Name { get; init; }

    /// <summary>An external queue (<c>external: true</c> in <c>server.queues</c>).</summary>
    public required string Queue { get; init; }

    public required int Count { get; init; }

    public required string Dependency { get; init; }

    /// <summary>Lease only these kinds. Defaults to any.</summary>
    public IReadOnlyList<string> Kinds { get; init; } = [];
}
