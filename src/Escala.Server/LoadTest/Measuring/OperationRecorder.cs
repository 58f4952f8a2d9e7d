using HdrHistogram;

namespace Escala.Server.LoadTest.Measuring;

/// <summary>
/// Latencies and outcomes of one operation: a histogram over the run (successes only: a fast failure must not
/// flatter the percentiles) and one per wall-clock second of completion, for the charts. Thread-safe.
/// </summary>
public sealed class OperationRecorder
{
    private const long Highest = 3_600_000_000; // 1 h in microseconds
    private readonly Lock _lock = new();
    private readonly LongHistogram _latency = new(1, Highest, 3);
    private readonly LongHistogram _queueWait = new(1, Highest, 2);
    private readonly List<SecondBucket?> _seconds = [];
    private readonly Dictionary<string, long> _errorReasons = new(StringComparer.Ordinal);
    private long _ok;
    private long _errors;
    private long _okAfterRampUp;

    public OperationRecorder(string name) => Name = name;

    public string Name { get; }

    public long Ok => Interlocked.Read(ref _ok);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Successes of operations that started after the ramp-up, for throughput.</summary>
    public long OkAfterRampUp => Interlocked.Read(ref _okAfterRampUp);

    /// <summary>Records one finished operation.</summary>
    /// <param name="second">Wall-clock second of the run it finished in.</param>
    /// <param name="afterRampUp">Whether it started after the ramp-up (counts for throughput).</param>
    public void Record(int second, TimeSpan latency, Outcome outcome, bool afterRampUp)
    {
        var micros = Math.Clamp((long)(latency.TotalMilliseconds * 1000), 1, Highest);
        lock (_lock)
        {
            while (_seconds.Count <= second)
            {
                _seconds.Add(null);
            }

            var bucket = _seconds[second] ??= new SecondBucket();
            if (outcome.Ok)
            {
                _ok++;
                _okAfterRampUp += afterRampUp ? 1 : 0;
                bucket.Ok++;
                _latency.RecordValue(micros);
                bucket.Latency.RecordValue(micros);
                if (outcome.QueueWait is { } wait)
                {
                    _queueWait.RecordValue(Math.Clamp((long)(wait.TotalMilliseconds * 1000), 1, Highest));
                }
            }
            else
            {
                _errors++;
                bucket.Errors++;
                var reason = outcome.Error ?? "error";
                _errorReasons[reason] = _errorReasons.GetValueOrDefault(reason) + 1;
            }
        }
    }

    /// <summary>A consistent copy of the figures so far.</summary>
    public OperationSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new OperationSnapshot(
                Name, _ok, _errors, _okAfterRampUp,
                Percentiles.Of(_latency),
                _queueWait.TotalCount == 0 ? null : Percentiles.Of(_queueWait),
                [.. _seconds.Select((b, i) => b is null ? new SecondFigures(i, 0, 0, null) : new SecondFigures(i, b.Ok, b.Errors, b.Ok == 0 ? null : Percentiles.Of(b.Latency)))],
                _errorReasons.OrderByDescending(p => p.Value).Take(5).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        }
    }

    private sealed class SecondBucket
    {
        public long Ok;
        public long Errors;
        public readonly LongHistogram Latency = new(1, Highest, 2);
    }
}
