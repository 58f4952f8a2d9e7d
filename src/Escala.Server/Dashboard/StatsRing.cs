namespace Escala.Server.Dashboard;

/// <summary>
/// The last <see cref="Seconds"/> seconds of this node's job activity, one bucket per second: jobs submitted,
/// completed and failed, and attempt durations (count, sum, max and a coarse histogram for the p95).
/// Fixed memory; a bucket is reused when its second comes round again. Thread-safe.
/// </summary>
public sealed class StatsRing
{
    /// <summary>How far back the ring remembers: 15 minutes.</summary>
    public const int Seconds = 900;

    /// <summary>Upper bounds (ms) of the duration histogram's bins; the last bin is everything slower.</summary>
    private static readonly double[] BinUpperMs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 300_000];

    private readonly Bucket[] _buckets = new Bucket[Seconds];
    private readonly Lock _lock = new();

    public StatsRing()
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Bucket { Bins = new long[BinUpperMs.Length + 1] };
        }
    }

    public void Submitted(DateTimeOffset at, long count = 1) { lock (_lock) At(at).Submitted += count; }

    public void Completed(DateTimeOffset at, long count = 1) { lock (_lock) At(at).Completed += count; }

    public void Failed(DateTimeOffset at, long count = 1) { lock (_lock) At(at).Failed += count; }

    /// <summary>An attempt ended (completed or failed) after running <paramref name="duration"/>.</summary>
    public void Duration(DateTimeOffset at, TimeSpan duration) { lock (_lock) Record(At(at), duration); }

    /// <summary>
    /// The last <paramref name="window"/> before <paramref name="now"/> in points of <paramref name="step"/> each
    /// (whole seconds), oldest first; a point's instant is the start of its step.
    /// </summary>
    public IReadOnlyList<StatsPoint> Read(DateTimeOffset now, TimeSpan window, TimeSpan step)
    {
        var stepSeconds = Math.Max(1, (long)step.TotalSeconds);
        var count = (int)Math.Clamp((long)window.TotalSeconds / stepSeconds, 1, Seconds / stepSeconds);
        var endSecond = now.ToUnixTimeSeconds() + 1;
        var alignedEnd = endSecond - (endSecond % stepSeconds) + (endSecond % stepSeconds == 0 ? 0 : stepSeconds);
        var points = new List<StatsPoint>(count);
        lock (_lock)
        {
            for (var p = count; p > 0; p--)
            {
                var from = alignedEnd - (p * stepSeconds);
                points.Add(Sum(from, stepSeconds));
            }
        }

        return points;
    }

    private StatsPoint Sum(long fromSecond, long seconds)
    {
        long submitted = 0, completed = 0, failed = 0, durations = 0;
        double sumMs = 0, maxMs = 0;
        var bins = new long[BinUpperMs.Length + 1];
        for (var s = fromSecond; s < fromSecond + seconds; s++)
        {
            var bucket = _buckets[Index(s)];
            if (bucket.Second != s)
            {
                continue;
            }

            submitted += bucket.Submitted;
            completed += bucket.Completed;
            failed += bucket.Failed;
            durations += bucket.Durations;
            sumMs += bucket.SumMs;
            maxMs = Math.Max(maxMs, bucket.MaxMs);
            for (var i = 0; i < bins.Length; i++)
            {
                bins[i] += bucket.Bins[i];
            }
        }

        return new StatsPoint(
            DateTimeOffset.FromUnixTimeSeconds(fromSecond), submitted, completed, failed,
            durations == 0 ? null : sumMs / durations,
            durations == 0 ? null : Percentile(bins, durations, 0.95, maxMs),
            durations == 0 ? null : maxMs);
    }

    /// <summary>The upper bound of the bin holding the quantile, capped at the largest duration seen.</summary>
    private static double Percentile(long[] bins, long total, double quantile, double maxMs)
    {
        var rank = (long)Math.Ceiling(total * quantile);
        long seen = 0;
        for (var i = 0; i < bins.Length; i++)
        {
            seen += bins[i];
            if (seen >= rank)
            {
                return i < BinUpperMs.Length ? Math.Min(BinUpperMs[i], maxMs) : maxMs;
            }
        }

        return maxMs;
    }

    private static void Record(Bucket bucket, TimeSpan duration)
    {
        var ms = Math.Max(0, duration.TotalMilliseconds);
        bucket.Durations++;
        bucket.SumMs += ms;
        bucket.MaxMs = Math.Max(bucket.MaxMs, ms);
        var bin = Array.BinarySearch(BinUpperMs, ms);
        bucket.Bins[bin >= 0 ? bin : ~bin]++;
    }

    private Bucket At(DateTimeOffset at)
    {
        var second = at.ToUnixTimeSeconds();
        var bucket = _buckets[Index(second)];
        if (bucket.Second != second)
        {
            bucket.Second = second;
            bucket.Submitted = bucket.Completed = bucket.Failed = bucket.Durations = 0;
            bucket.SumMs = bucket.MaxMs = 0;
            Array.Clear(bucket.Bins);
        }

        return bucket;
    }

    private static int Index(long second) => (int)(((second % Seconds) + Seconds) % Seconds);

    private sealed class Bucket
    {
        public long Second = -1;
        public long Submitted;
        public long Completed;
        public long Failed;
        public long Durations;
        public double SumMs;
        public double MaxMs;
        public required long[] Bins;
    }
}
