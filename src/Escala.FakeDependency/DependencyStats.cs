namespace Escala.FakeDependency;

/// <summary>Counters of one fake dependency since start or the last reset. Safe to use from many requests at once.</summary>
public sealed class DependencyStats
{
    /// <summary>How many request start times are kept (the most recent ones).</summary>
    public const int StartTimeCapacity = 10_000;

    private readonly long[] _startTimes = new long[StartTimeCapacity];
    private readonly Lock _startTimesLock = new();
    private readonly Dictionary<int, long> _byStatus = [];
    private long _startTimeCount;
    private long _total;
    private long _inFlight;
    private long _maxConcurrency;
    private long _violations;

    /// <summary>Counts a request that starts now and returns how many are in flight including it.</summary>
    public long Enter(long startUnixMs)
    {
        Interlocked.Increment(ref _total);
        var inFlight = Interlocked.Increment(ref _inFlight);
        var max = Interlocked.Read(ref _maxConcurrency);
        while (inFlight > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxConcurrency, inFlight, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }

        lock (_startTimesLock)
        {
            _startTimes[_startTimeCount % StartTimeCapacity] = startUnixMs;
            _startTimeCount++;
        }

        return inFlight;
    }

    public void CountViolation() => Interlocked.Increment(ref _violations);

    /// <summary>Counts the end of a request started with <see cref="Enter"/>, with the status it answered.</summary>
    public void Exit(int status)
    {
        Interlocked.Decrement(ref _inFlight);
        lock (_byStatus)
        {
            _byStatus[status] = _byStatus.GetValueOrDefault(status) + 1;
        }
    }

    public StatsSnapshot Snapshot(string name)
    {
        long[] startTimes;
        lock (_startTimesLock)
        {
            var kept = (int)Math.Min(_startTimeCount, StartTimeCapacity);
            startTimes = new long[kept];
            var first = _startTimeCount - kept;
            for (var i = 0; i < kept; i++)
            {
                startTimes[i] = _startTimes[(first + i) % StartTimeCapacity];
            }
        }

        Dictionary<string, long> byStatus;
        lock (_byStatus)
        {
            byStatus = _byStatus.OrderBy(pair => pair.Key).ToDictionary(pair => pair.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), pair => pair.Value);
        }

        return new StatsSnapshot(
            name,
            Interlocked.Read(ref _total),
            Interlocked.Read(ref _inFlight),
            Interlocked.Read(ref _maxConcurrency),
            Interlocked.Read(ref _violations),
            byStatus,
            startTimes);
    }
}
