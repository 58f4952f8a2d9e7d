namespace Escala.Workloads.Llm;

/// <summary>
/// One endpoint's breaker on this node: opens after a number of consecutive transient failures, stays open for a
/// while, then lets one probe call through (half-open); the probe's success closes it, its failure opens it again.
/// Thread-safe.
/// </summary>
public sealed class EndpointBreaker(int failures, TimeSpan openFor)
{
    private readonly Lock _lock = new();
    private int _consecutive;
    private DateTimeOffset? _openUntil;
    private bool _probing;

    /// <summary>True while calls must skip this endpoint (open, or half-open with its probe out).</summary>
    public bool IsOpen(DateTimeOffset now)
    {
        lock (_lock)
        {
            return _openUntil is { } until && (now < until || _probing);
        }
    }

    /// <summary>When an open breaker lets its next probe through; null when closed.</summary>
    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_lock)
            {
                return _openUntil;
            }
        }
    }

    /// <summary>Takes the endpoint for one call; false when it must be skipped. A half-open endpoint gives out one probe.</summary>
    public bool TryEnter(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_openUntil is not { } until)
            {
                return true;
            }

            if (now < until || _probing)
            {
                return false;
            }

            _probing = true;
            return true;
        }
    }

    /// <summary>A call succeeded: the breaker closes.</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            _consecutive = 0;
            _openUntil = null;
            _probing = false;
        }
    }

    /// <summary>A transient failure (5xx, timeout, connection refused). Returns true when it (re)opened the breaker.</summary>
    public bool Failed(DateTimeOffset now)
    {
        lock (_lock)
        {
            _consecutive++;
            if (!_probing && _consecutive < failures)
            {
                return false;
            }

            _openUntil = now + openFor;
            _probing = false;
            return true;
        }
    }

    /// <summary>A call that ended without telling anything of the endpoint's health (cancelled, 4xx): a probe is given back.</summary>
    public void Released()
    {
        lock (_lock)
        {
            _probing = false;
        }
    }
}
