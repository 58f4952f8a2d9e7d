using System.ComponentModel.DataAnnotations;

namespace Escala.Configuration;

/// <summary>
/// An adaptive concurrency limit (<c>resources:NAME:concurrency:adaptive</c>), moved by <see cref="Governance.AdaptiveLimiter"/>
/// between <see cref="Min"/> and <see cref="Max"/> from the attempts' latency, timeouts and 429s, one limit for the cluster.
/// </summary>
public sealed class AdaptiveConcurrencyOptions : IValidatableOptions
{
    /// <summary>The limit never goes below this (1–100,000).</summary>
    /// <value>Defaults to <see cref="AdaptiveConcurrencyDefaults.Min"/> (1).</value>
    [Range(1, 100_000)]
    public int Min { get; set; } = AdaptiveConcurrencyDefaults.Min;

    /// <summary>The limit never goes above this (1–100,000, at least <see cref="Min"/>).</summary>
    /// <value>Defaults to <see cref="AdaptiveConcurrencyDefaults.Max"/> (100).</value>
    [Range(1, 100_000)]
    public int Max { get; set; } = AdaptiveConcurrencyDefaults.Max;

    /// <summary>The limit the first time the cluster uses the resource (between <see cref="Min"/> and <see cref="Max"/>).</summary>
    /// <value>Unset by default: <see cref="Min"/>, then it doubles each round trip until the first sign of overload.</value>
    [Range(1, 100_000)]
    public int? Initial { get; set; }

    /// <summary>
    /// Overload when a round trip's median latency exceeds this many times the no-load latency (the lowest round-trip median of
    /// the last 30 s); above 1, at most 10.
    /// </summary>
    /// <value>Defaults to <see cref="AdaptiveConcurrencyDefaults.Tolerance"/> (1.5).</value>
    [Range(1.0, 10.0, MinimumIsExclusive = true)]
    public double Tolerance { get; set; } = AdaptiveConcurrencyDefaults.Tolerance;

    /// <summary>On overload (latency, a timeout, a 429) the limit is multiplied by this (above 0, below 1).</summary>
    /// <value>Defaults to <see cref="AdaptiveConcurrencyDefaults.Backoff"/> (0.6).</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double Backoff { get; set; } = AdaptiveConcurrencyDefaults.Backoff;

    public IEnumerable<string> Validate(string path)
    {
        if (Max < Min)
        {
            yield return $"{path}:max: {Max} is below min ({Min}).";
        }

        if (Initial is { } initial && (initial < Min || initial > Max))
        {
            yield return $"{path}:initial: {initial} is outside min..max ({Min}..{Max}).";
        }
    }
}
