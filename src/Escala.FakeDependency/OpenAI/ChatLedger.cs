namespace Escala.FakeDependency.OpenAI;

/// <summary>
/// What the fake model served since start or the last reset: counts by outcome, tokens, requests in flight,
/// and a log of (arrival, tokens) of every served request, from which it enforces its own token budget and
/// tells the largest number of tokens served in any window. Safe to use from many requests at once.
/// </summary>
public sealed class ChatLedger
{
    /// <summary>How many served requests the log keeps (the most recent ones).</summary>
    public const int LogCapacity = 100_000;

    private readonly Lock _lock = new();
    private readonly List<(long AtMs, long Tokens)> _served = [];
    private long _requests;
    private long _streamed;
    private long _errors;
    private long _throttled;
    private long _promptTokens;
    private long _completionTokens;
    private long _inFlight;
    private long _maxInFlight;

    /// <summary>
    /// Admits a request arriving at <paramref name="nowMs"/> that will use <paramref name="tokens"/>, or, when the budget
    /// has no room for it, returns how long until it would and how many tokens the window has left. Admitted requests
    /// enter the log and count as in flight.
    /// </summary>
    public (TimeSpan Wait, long Remaining)? TryServe(long nowMs, long tokens, int promptTokens, ChatBehaviour behaviour, bool stream)
    {
        lock (_lock)
        {
            _requests++;
            if (behaviour.TokenBudget > 0)
            {
                var windowMs = (long)behaviour.BudgetWindow.TotalMilliseconds;
                var used = 0L;
                var oldestMs = long.MaxValue;
                for (var i = _served.Count - 1; i >= 0 && _served[i].AtMs > nowMs - windowMs; i--)
                {
                    used += _served[i].Tokens;
                    oldestMs = _served[i].AtMs;
                }

                if (used + tokens > behaviour.TokenBudget)
                {
                    _throttled++;
                    return (TimeSpan.FromMilliseconds(oldestMs == long.MaxValue ? windowMs : oldestMs + windowMs - nowMs), Math.Max(0, behaviour.TokenBudget - used));
                }
            }

            if (_served.Count == LogCapacity)
            {
                _served.RemoveRange(0, LogCapacity / 10);
            }

            _served.Add((nowMs, tokens));
            _promptTokens += promptTokens;
            _completionTokens += tokens - promptTokens;
            _streamed += stream ? 1 : 0;
            _inFlight++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
            return null;
        }
    }

    /// <summary>A request refused before it was served (injected error or 429).</summary>
    public void Refused(bool throttled)
    {
        lock (_lock)
        {
            _requests++;
            if (throttled)
            {
                _throttled++;
            }
            else
            {
                _errors++;
            }
        }
    }

    /// <summary>A served request finished (or its client went away).</summary>
    public void Done()
    {
        lock (_lock)
        {
            _inFlight--;
        }
    }

    /// <summary>The most tokens served in any window of length <paramref name="window"/> (by arrival time).</summary>
    public long MaxTokensInWindow(TimeSpan window)
    {
        lock (_lock)
        {
            var windowMs = (long)window.TotalMilliseconds;
            long best = 0, sum = 0;
            var start = 0;
            for (var end = 0; end < _served.Count; end++)
            {
                sum += _served[end].Tokens;
                while (_served[start].AtMs <= _served[end].AtMs - windowMs)
                {
                    sum -= _served[start++].Tokens;
                }

                best = Math.Max(best, sum);
            }

            return best;
        }
    }

    /// <summary>Arrival (Unix ms) and tokens of every served request kept in the log, oldest first.</summary>
    public IReadOnlyList<long[]> Served()
    {
        lock (_lock)
        {
            return _served.Select(s => new[] { s.AtMs, s.Tokens }).ToList();
        }
    }

    public ChatStats Snapshot(TimeSpan window)
    {
        var max = MaxTokensInWindow(window);
        lock (_lock)
        {
            var first = _served.Count > 0 ? _served[0].AtMs : 0;
            var last = _served.Count > 0 ? _served[^1].AtMs : 0;
            return new ChatStats(_requests, _served.Count, _streamed, _errors, _throttled, _promptTokens, _completionTokens,
                _inFlight, _maxInFlight, (long)window.TotalMilliseconds, max, first, last);
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _served.Clear();
            _requests = _streamed = _errors = _throttled = _promptTokens = _completionTokens = _maxInFlight = 0;
        }
    }
}
