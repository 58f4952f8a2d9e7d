namespace Escala.Server.LoadTest.Scenarios;

/// <summary>
/// How long a fake call takes: <c>fixed</c> (<c>100ms</c>), <c>uniform</c> (<c>5s..15s</c> or <c>{min, max}</c>) or
/// <c>lognormal</c> (<c>{p50, p95}</c>, optionally capped with <c>max</c>): a long right tail, as LLM calls have.
/// </summary>
public sealed record LatencyDistribution(string Shape, TimeSpan Min, TimeSpan Max, TimeSpan P50, TimeSpan P95)
{
    private const double Z95 = 1.6448536269514722;

    public static LatencyDistribution Fixed(TimeSpan value) => new("fixed", value, value, value, value);

    public static LatencyDistribution Uniform(TimeSpan min, TimeSpan max) => new("uniform", min, max, (min + max) / 2, min + (max - min) * 0.95);

    public static LatencyDistribution LogNormal(TimeSpan p50, TimeSpan p95, TimeSpan? max) =>
        new("lognormal", TimeSpan.Zero, max ?? TimeSpan.MaxValue, p50, p95);

    /// <summary>One latency, multiplied by <paramref name="scale"/>.</summary>
    public TimeSpan Sample(Random random, double scale)
    {
        var value = Shape switch
        {
            "uniform" => Min + (Max - Min) * random.NextDouble(),
            "lognormal" => LogNormalSample(random),
            _ => Min,
        };
        return value * scale;
    }

    /// <summary>The mean, for capacity arithmetic in the hints.</summary>
    public TimeSpan Mean => Shape switch
    {
        "uniform" => (Min + Max) / 2,
        "lognormal" => TimeSpan.FromTicks((long)Math.Min(Max.Ticks, P50.Ticks * Math.Exp(Math.Pow(Sigma, 2) / 2))),
        _ => Min,
    };

    private double Sigma => P50 <= TimeSpan.Zero ? 0 : Math.Log(P95 / P50) / Z95;

    private TimeSpan LogNormalSample(Random random)
    {
        // Box–Muller: one standard normal from two uniforms.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        var ticks = P50.Ticks * Math.Exp(Sigma * z);
        return TimeSpan.FromTicks((long)Math.Min(ticks, Max.Ticks));
    }
}
