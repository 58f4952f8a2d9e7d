namespace Escala.Server.LoadTest.Fakes;

/// <summary>What one fake dependency saw: calls, how many were in flight at most, and how they were answered.</summary>
public sealed class DependencyCounters
{
    private long _inFlight;
    private long _maxInFlight;
    private long _calls;
    private long _ok;
    private long _errors;
    private long _throttled;
    private long _overLimit;
    private long _busyTicks;

    public long InFlight => Interlocked.Read(ref _inFlight);
    public long MaxInFlight => Interlocked.Read(ref _maxInFlight);
    public long Calls => Interlocked.Read(ref _calls);
    public long Ok => Interlocked.Read(ref _ok);
    public long Errors => Interlocked.Read(ref _errors);
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Mean time a finished call was held open (answered or not), in milliseconds; NaN before the first one finishes.</summary>
    public double MeanLatencyMs => Calls - InFlight is var done && done <= 0 ? double.NaN : TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks)).TotalMilliseconds / done;

    /// <summary>Calls that found the dependency already at its limit.</summary>
    public long OverLimit => Interlocked.Read(ref _overLimit);

    /// <summary>Counts a call that starts now, against <paramref name="limit"/> (0: none).</summary>
    public void Enter(long limit)
    {
        Interlocked.Increment(ref _calls);
        var now = Interlocked.Increment(ref _inFlight);
        if (limit > 0 && now > limit)
        {
            Interlocked.Increment(ref _overLimit);
        }

        var max = Interlocked.Read(ref _maxInFlight);
        while (now > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxInFlight, now, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    public void Exit(int status, TimeSpan held)
    {
        Interlocked.Add(ref _busyTicks, held.Ticks);
        Interlocked.Decrement(ref _inFlight);
        switch (status)
        {
            case 200:
                Interlocked.Increment(ref _ok);
                break;
            case 429:
                Interlocked.Increment(ref _throttled);
                break;
            default:
                Interlocked.Increment(ref _errors);
                break;
        }
    }
}
