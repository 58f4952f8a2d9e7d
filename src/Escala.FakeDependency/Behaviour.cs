namespace Escala.FakeDependency;

/// <summary>How one fake dependency answers. Immutable: a new configuration replaces the whole record.</summary>
/// <param name="Latency">Time every admitted request takes before it answers 200 or 500.</param>
/// <param name="Jitter">Extra random latency, uniform in [0, Jitter], added to <paramref name="Latency"/>.</param>
/// <param name="FailRatio">Share of admitted requests (0–1) answered 500 after the latency.</param>
/// <param name="Rate429">Share of requests (0–1) answered 429 at once, with <c>Retry-After</c>.</param>
/// <param name="RetryAfterSeconds">Value of the <c>Retry-After</c> header on a 429.</param>
/// <param name="Cap">Most requests in flight at once; one more is answered 503 and counted as a violation. 0 means no cap.</param>
public sealed record Behaviour(
    TimeSpan Latency,
    TimeSpan Jitter,
    double FailRatio,
    double Rate429,
    int RetryAfterSeconds,
    int Cap)
{
    /// <summary>Answers 200 at once, never fails, no cap.</summary>
    public static Behaviour Default { get; } = new(TimeSpan.Zero, TimeSpan.Zero, 0, 0, 1, 0);
}
