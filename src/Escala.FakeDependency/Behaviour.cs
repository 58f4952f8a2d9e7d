namespace Escala.FakeDependency;

/// <summary>How one fake dependency answers. Immutable: a new configuration replaces the whole record.</summary>
/// <param name="Latency">Time every admitted request takes before it answers 200 or 500.</param>
/// <param name="Jitter">Extra random latency, uniform in [0, Jitter], added to <paramref name="Latency"/>.</param>
/// <param name="FailRatio">Share of admitted requests (0–1) answered 500 after the latency.</param>
/// <param name="Rate429">Share of requests (0–1) answered 429 at once, with <c>Retry-After</c>.</param>
/// <param name="RetryAfterSeconds">Value of the <c>Retry-After</c> header on a 429.</param>
/// <param name="Cap">Most requests in flight at once; one more is answered 503 and counted as a violation. 0 means no cap.</param>
/// <param name="Capacity">
/// Requests served at once, like a server with that many workers (an Ollama's slots): the others wait their turn (FIFO), so
/// latency grows with the load beyond it. 0 means every request is served at once.
/// </param>
/// <param name="Queue">With a <paramref name="Capacity"/>, most requests waiting for their turn; one more is answered 429 at once.</param>
public sealed record Behaviour(
    TimeSpan Latency,
    TimeSpan Jitter,
    double FailRatio,
    double Rate429,
    int RetryAfterSeconds,
    int Cap,
    int Capacity = 0,
    int Queue = Behaviour.DefaultQueue)
{
    public const int DefaultQueue = 1000;

    /// <summary>Answers 200 at once, never fails, no cap.</summary>
    public static Behaviour Default { get; } = new(TimeSpan.Zero, TimeSpan.Zero, 0, 0, 1, 0);
}
