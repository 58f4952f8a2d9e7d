using Escala.Governance;

namespace Escala.Configuration;

/// <summary>An external dependency whose use is governed cluster-wide (<c>resources:NAME</c>).</summary>
public sealed class ResourceOptions
{
    /// <summary>The resource's name: its key under <c>resources</c>.</summary>
    public string Name { get; internal set; } = "";

    /// <summary>
    /// Most jobs needing it running at once across the cluster: a number (1–100,000), or
    /// <c>{"adaptive": {"min": 2, "max": 50}}</c> for a limit that follows the dependency's latency, timeouts and 429s.
    /// </summary>
    /// <value>Unset by default: no limit.</value>
    public ConcurrencyOptions? Concurrency { get; set; }

    /// <summary>Most starts per window, written <c>60/min</c>, <c>10/s</c> or <c>1000/1h</c>.</summary>
    /// <value>Unset by default: no limit.</value>
    public RateLimit? Rate { get; set; }

    /// <summary>
    /// A token budget per window, written <c>40000/min</c> (LLM tokens per minute, prompt and reply): admission reserves
    /// each job's estimate and the actual usage settles it.
    /// </summary>
    /// <value>Unset by default: no budget.</value>
    public RateLimit? Tokens { get; set; }

    /// <summary>A circuit breaker over the resource's transient failures.</summary>
    /// <value>Unset by default: no breaker.</value>
    public BreakerOptions? Breaker { get; set; }

    /// <summary>Limits per concurrency key (a job's <c>concurrencyKey</c>, e.g. <c>user:42</c>), next to the global ones.</summary>
    /// <value>Unset by default: keys share only the global limits.</value>
    public PerKeyOptions? PerKey { get; set; }
}
