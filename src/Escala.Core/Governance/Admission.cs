namespace Escala.Governance;

/// <summary>
/// The limits a store applies when it leases jobs (admission control): a job is leased only when every
/// resource it needs has a free slot and a rate permit, and its tenant is under its cap. Jobs held back
/// stay available, and jobs behind them that are admissible are still leased (no head-of-line blocking).
/// </summary>
public sealed record Admission
{
    public static Admission None { get; } = new();

    /// <summary>Limits by resource name. A resource a job names but that has no entry here is unlimited.</summary>
    public IReadOnlyDictionary<string, ResourceLimit> Resources { get; init; } =
        new Dictionary<string, ResourceLimit>(StringComparer.Ordinal);

    /// <summary>Most running jobs of one tenant in the queue, cluster-wide; null for no cap.</summary>
    public int? TenantConcurrency { get; init; }

    /// <summary>Tenants' weights in the fair share (turns per round); a tenant not listed weighs 1.</summary>
    public IReadOnlyDictionary<string, int> TenantWeights { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>True when some resource limits each concurrency key: only then do stores read per-key usage.</summary>
    public bool HasPerKey => Resources.Values.Any(r => r.PerKey is not null);

    public bool IsNone => Resources.Count == 0 && TenantConcurrency is null;
}

/// <summary>The limits of one resource at lease time.</summary>
/// <param name="Name">The resource's name, as jobs name it.</param>
/// <param name="Concurrency">Most jobs needing it running at once, cluster-wide; null for no limit.</param>
/// <param name="Rate">Most starts in a sliding window, cluster-wide; null for no limit.</param>
/// <param name="Gate">The breaker's word: closed admits, open admits nothing, half-open admits a few probes.</param>
public sealed record ResourceLimit(string Name, int? Concurrency, RateLimit? Rate, BreakerGate Gate)
{
    /// <summary>
    /// Probes the resource's breaker lets through when half-open cluster-wide (its breaker pause expired in the
    /// store with no success since). Defaults to 1.
    /// </summary>
    public int Probes { get; init; } = 1;

    /// <summary>Most tokens reserved in a sliding window, cluster-wide (<c>40000/min</c>); null for no budget.</summary>
    public RateLimit? Tokens { get; init; }

    /// <summary>Limits each concurrency key holds on this resource; null when keys share only the global limits.</summary>
    public KeyLimit? PerKey { get; init; }

    /// <summary>The concurrency in force: the breaker's probe count when half-open, nothing when open.</summary>
    public int? EffectiveConcurrency => Gate.State switch
    {
        BreakerState.Open => 0,
        BreakerState.HalfOpen => Concurrency is { } c ? Math.Min(c, Gate.Probes) : Gate.Probes,
        _ => Concurrency,
    };
}

/// <summary>The limits one concurrency key (within its tenant) holds on a resource, cluster-wide.</summary>
/// <param name="Concurrency">Most of the key's jobs needing the resource running at once; null for no limit.</param>
/// <param name="Rate">Most starts of the key's jobs in a sliding window; null for no limit.</param>
public sealed record KeyLimit(int? Concurrency, RateLimit? Rate);

/// <summary>At most <paramref name="Permits"/> starts in any window of length <paramref name="Per"/>.</summary>
public sealed record RateLimit(int Permits, TimeSpan Per)
{
    public override string ToString() => Per == TimeSpan.FromSeconds(1) ? $"{Permits}/s"
        : Per == TimeSpan.FromMinutes(1) ? $"{Permits}/min"
        : Per == TimeSpan.FromHours(1) ? $"{Permits}/h"
        : $"{Permits}/{Durations.Format(Per)}";
}

public enum BreakerState
{
    Closed,
    Open,
    HalfOpen,
}

/// <summary>A breaker's state as admission sees it.</summary>
/// <param name="Probes">In half-open, most jobs let through at once to test the dependency.</param>
public readonly record struct BreakerGate(BreakerState State, int Probes)
{
    public static BreakerGate Closed { get; } = new(BreakerState.Closed, 0);
}
