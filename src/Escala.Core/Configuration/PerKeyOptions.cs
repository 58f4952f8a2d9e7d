using System.ComponentModel.DataAnnotations;
using Escala.Governance;

namespace Escala.Configuration;

/// <summary>
/// Limits each concurrency key holds on a resource (<c>resources:NAME:perKey</c>), cluster-wide, next to the
/// resource's global ones: with <c>{"concurrency": 2, "rate": "6/min"}</c> the jobs of key <c>user:42</c> run at most
/// two at once and start at most six a minute. Jobs with no <c>concurrencyKey</c> hold only the global limits.
/// </summary>
public sealed class PerKeyOptions
{
    /// <summary>Most jobs of one key needing the resource running at once (1–100,000).</summary>
    /// <value>Unset by default: no limit per key.</value>
    [Range(1, 100_000)]
    public int? Concurrency { get; set; }

    /// <summary>Most starts of one key per window, written <c>6/min</c>.</summary>
    /// <value>Unset by default: no rate per key.</value>
    public RateLimit? Rate { get; set; }
}
