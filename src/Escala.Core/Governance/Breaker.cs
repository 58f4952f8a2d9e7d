using Escala.Configuration;

namespace Escala.Governance;

/// <summary>
/// A circuit breaker over one resource on one node, with Polly v8's semantics: it opens when the
/// failures in a sliding window reach a count (or a ratio, given a minimum throughput), stays open
/// for a while, then lets a few probes through (half-open): a probe's success closes it, a failure
/// opens it again. Only transient failures count. Not thread-safe: <see cref="ResourceGovernor"/> locks.
/// </summary>
internal sealed class Breaker(BreakerOptions settings)
{
    private readonly Queue<(DateTimeOffset At, bool Failed)> _samples = new();
    private int _failures;
    private DateTimeOffset _openUntil;

    public BreakerState State { get; private set; } = BreakerState.Closed;

    public DateTimeOffset OpenUntil => _openUntil;

    /// <summary>The gate admission sees now; moves open to half-open once its time is up.</summary>
    public BreakerGate Gate(DateTimeOffset now)
    {
        if (State == BreakerState.Open && now >= _openUntil)
        {
            State = BreakerState.HalfOpen;
        }

        return new BreakerGate(State, settings.Probes);
    }

    /// <summary>Records an attempt's outcome; returns the new state when it changed.</summary>
    public BreakerState? Record(bool failed, DateTimeOffset now)
    {
        Gate(now);
        switch (State)
        {
            case BreakerState.HalfOpen:
                return failed ? Open(now) : Close();
            case BreakerState.Open:
                return null;
        }

        _samples.Enqueue((now, failed));
        _failures += failed ? 1 : 0;
        while (_samples.Count > 0 && _samples.Peek().At <= now - settings.Window)
        {
            _failures -= _samples.Dequeue().Failed ? 1 : 0;
        }

        var trips = settings.FailureRatio is { } ratio
            ? _samples.Count >= settings.MinThroughput && (double)_failures / _samples.Count >= ratio
            : _failures >= settings.Failures;
        return trips ? Open(now) : null;
    }

    private BreakerState Open(DateTimeOffset now)
    {
        State = BreakerState.Open;
        _openUntil = now + settings.OpenFor;
        _samples.Clear();
        _failures = 0;
        return State;
    }

    private BreakerState Close()
    {
        State = BreakerState.Closed;
        _samples.Clear();
        _failures = 0;
        return State;
    }
}
