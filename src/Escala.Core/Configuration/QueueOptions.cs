using System.ComponentModel.DataAnnotations;

namespace Escala.Configuration;

/// <summary>One queue (<c>queues:NAME</c>): a worker pool with its own limits and retry policy.</summary>
public sealed class QueueOptions : IValidatableOptions
{
    private int? _fetchBatch;

    /// <summary>The queue's name: its key under <c>queues</c>.</summary>
    public string Name { get; internal set; } = QueueDefaults.DefaultQueue;

    /// <summary>Most jobs of this queue one node runs at once (1–10,000).</summary>
    /// <value>Defaults to <see cref="QueueDefaults.Concurrency"/> (10).</value>
    [Range(1, 10_000)]
    public int Concurrency { get; set; } = QueueDefaults.Concurrency;

    /// <summary>Most jobs leased in one round trip (1–1,000).</summary>
    /// <value>Defaults to the concurrency, at most <see cref="QueueDefaults.MaxFetchBatch"/> (100).</value>
    [Range(1, 1_000)]
    public int FetchBatch
    {
        get => _fetchBatch ?? Math.Clamp(Concurrency, 1, QueueDefaults.MaxFetchBatch);
        set => _fetchBatch = value;
    }

    /// <summary>Attempts before a job is dead (1–1,000).</summary>
    /// <value>Defaults to <see cref="QueueDefaults.MaxAttempts"/> (5).</value>
    [Range(1, 1_000)]
    public int MaxAttempts { get; set; } = QueueDefaults.MaxAttempts;

    /// <summary>Soft timeout of one attempt: the handler's token fires.</summary>
    /// <value>Defaults to <see cref="QueueDefaults.Timeout"/> (5m).</value>
    [Positive]
    public TimeSpan Timeout { get; set; } = QueueDefaults.Timeout;

    /// <summary>Extra time after the soft timeout before the attempt is failed and its slot freed anyway.</summary>
    /// <value>Defaults to <see cref="QueueDefaults.HardTimeoutGrace"/> (5s).</value>
    public TimeSpan HardTimeoutGrace { get; set; } = QueueDefaults.HardTimeoutGrace;

    /// <summary>Base of the exponential backoff between attempts (base × 2^(attempt-1), ±20 % jitter).</summary>
    /// <value>Defaults to <see cref="QueueDefaults.Backoff"/> (1s).</value>
    public TimeSpan Backoff { get; set; } = QueueDefaults.Backoff;

    /// <summary>Longest backoff.</summary>
    /// <value>Defaults to <see cref="QueueDefaults.MaxBackoff"/> (10m).</value>
    public TimeSpan MaxBackoff { get; set; } = QueueDefaults.MaxBackoff;

    /// <summary>How long finished jobs are kept before pruning.</summary>
    /// <value>Defaults to <see cref="QueueDefaults.Retention"/> (24h).</value>
    public TimeSpan Retention { get; set; } = QueueDefaults.Retention;

    /// <summary>Most running jobs of one tenant in this queue, cluster-wide (1–100,000).</summary>
    /// <value>Unset by default: no cap.</value>
    [Range(1, 100_000)]
    public int? TenantConcurrency { get; set; }

    /// <summary>When true, no in-process workers run this queue: only external workers lease it over HTTP.</summary>
    /// <value>Defaults to false.</value>
    public bool External { get; set; }

    /// <summary>
    /// Weights of tenants in this queue's fair share of governed resources (1–100): when jobs of several tenants and
    /// concurrency keys wait for a resource, admission takes turns between them, and a tenant of weight 3 gets three
    /// turns to another's one (<c>{"acme": 3}</c>).
    /// </summary>
    /// <value>Empty by default: every tenant weighs 1.</value>
    public Dictionary<string, int> TenantWeights { get; set; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IEnumerable<string> Validate(string path)
    {
        foreach (var (tenant, weight) in TenantWeights)
        {
            if (weight is < 1 or > 100)
            {
                yield return $"{path}:tenantWeights:{tenant}: must be between 1 and 100.";
            }
        }
    }
}
