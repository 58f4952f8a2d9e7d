using HdrHistogram;

namespace Escala.Server.LoadTest.Measuring;

/// <summary>Latency percentiles in milliseconds; null percentiles when nothing was recorded.</summary>
public sealed record Percentiles(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static Percentiles Of(HistogramBase histogram) => histogram.TotalCount == 0
        ? new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
        : new Percentiles(
            histogram.TotalCount,
            histogram.GetValueAtPercentile(50) / 1000.0,
            histogram.GetValueAtPercentile(95) / 1000.0,
            histogram.GetValueAtPercentile(99) / 1000.0,
            histogram.GetMaxValue() / 1000.0,
            histogram.GetMean() / 1000.0);
}
