using System.ComponentModel.DataAnnotations;

namespace Escala.Configuration;

/// <summary>A circuit breaker over a resource's transient failures (<c>resources:NAME:breaker</c>).</summary>
public sealed class BreakerOptions
{
    /// <summary>Opens after this many transient failures within <see cref="Window"/> (1–100,000).</summary>
    /// <value>Defaults to <see cref="BreakerDefaults.Failures"/> (5).</value>
    [Range(1, 100_000)]
    public int Failures { get; set; } = BreakerDefaults.Failures;

    /// <summary>Or opens when this ratio (above 0, at most 1) of attempts within <see cref="Window"/> failed, given <see cref="MinThroughput"/>.</summary>
    /// <value>Unset by default: the count <see cref="Failures"/> decides.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double? FailureRatio { get; set; }

    /// <summary>Least attempts in the window before the ratio counts (1–100,000).</summary>
    /// <value>Defaults to <see cref="BreakerDefaults.MinThroughput"/> (10).</value>
    [Range(1, 100_000)]
    public int MinThroughput { get; set; } = BreakerDefaults.MinThroughput;

    /// <summary>The sliding window failures are counted in.</summary>
    /// <value>Defaults to <see cref="BreakerDefaults.Window"/> (30s).</value>
    [Positive]
    public TimeSpan Window { get; set; } = BreakerDefaults.Window;

    /// <summary>How long the breaker stays open before half-open probes.</summary>
    /// <value>Defaults to <see cref="BreakerDefaults.OpenFor"/> (30s).</value>
    [Positive]
    public TimeSpan OpenFor { get; set; } = BreakerDefaults.OpenFor;

    /// <summary>Jobs let through at once while half-open (1–1,000).</summary>
    /// <value>Defaults to <see cref="BreakerDefaults.Probes"/> (1).</value>
    [Range(1, 1_000)]
    public int Probes { get; set; } = BreakerDefaults.Probes;
}
