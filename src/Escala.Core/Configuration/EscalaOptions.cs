namespace Escala.Configuration;

/// <summary>Everything a node is configured with (section <c>Escala</c> of <c>escala.json</c>, <c>ESCALA_</c> variables, flags).</summary>
public sealed class EscalaOptions
{
    /// <summary>This node's id in the cluster. Defaults to the host name and a random suffix.</summary>
    public string? NodeId { get; set; }

    /// <summary><c>all</c> (API and workers), <c>api</c> (no workers) or <c>worker</c> (no public API). Defaults to <c>all</c>.</summary>
    public string Role { get; set; } = NodeRoles.All;

    /// <summary>Queues by name. A job naming a queue that is not here is refused, except the <c>default</c> queue, which always exists.</summary>
    public Dictionary<string, QueueOptions> Queues { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Governed resources by name (e.g. <c>llm</c>).</summary>
    public Dictionary<string, ResourceOptions> Resources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Default resources per job kind: a job of that kind needs them in addition to its own.</summary>
    public Dictionary<string, string[]> KindResources { get; set; } = new(StringComparer.Ordinal);

    public ExecutionOptions Execution { get; set; } = new();

    public MaintenanceOptions Maintenance { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    public SecurityOptions Security { get; set; } = new();
    /// <summary>Metrics and traces: the service name, and where to send traces (OTLP).</summary>
    public TelemetryOptions Telemetry { get; set; } = new();
    /// <summary>LLMs by name, called by <c>llm.chat</c> jobs (<see cref="ModelOptions"/>).</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The result cache (<see cref="CacheOptions"/>).</summary>
    public CacheOptions Cache { get; set; } = new();
}

public static class NodeRoles
{
    public const string All = "all";
    public const string Api = "api";
    public const string Worker = "worker";

    public static bool RunsWorkers(string role) => role is All or Worker;

    public static bool ServesApi(string role) => role is All or Api;
}

/// <summary>One queue: a worker pool with its own limits and retry policy.</summary>
public sealed class QueueOptions
{
    /// <summary>Most jobs of this queue one node runs at once. Defaults to 10.</summary>
    public int Concurrency { get; set; } = QueueDefaults.Concurrency;

    /// <summary>Most jobs leased in one round trip. Defaults to the concurrency, at most 100.</summary>
    public int? FetchBatch { get; set; }

    /// <summary>Attempts before a job is dead. Defaults to 5.</summary>
    public int MaxAttempts { get; set; } = QueueDefaults.MaxAttempts;

    /// <summary>Soft timeout of one attempt: the handler's token fires. Defaults to 5m.</summary>
    public string Timeout { get; set; } = QueueDefaults.Timeout;

    /// <summary>Extra time after the soft timeout before the attempt is failed and its slot freed anyway. Defaults to 5s.</summary>
    public string HardTimeoutGrace { get; set; } = QueueDefaults.HardTimeoutGrace;

    /// <summary>Base of the exponential backoff between attempts (base × 2^(attempt-1), ±20 % jitter). Defaults to 1s.</summary>
    public string Backoff { get; set; } = QueueDefaults.Backoff;

    /// <summary>Longest backoff. Defaults to 10m.</summary>
    public string MaxBackoff { get; set; } = QueueDefaults.MaxBackoff;

    /// <summary>How long finished jobs are kept before pruning. Defaults to 24h.</summary>
    public string Retention { get; set; } = QueueDefaults.Retention;

    /// <summary>Most running jobs of one tenant in this queue, cluster-wide; unset for no cap.</summary>
    public int? TenantConcurrency { get; set; }

    /// <summary>When true, no in-process workers run this queue: only external workers lease it over HTTP.</summary>
    public bool External { get; set; }
}

public static class QueueDefaults
{
    public const string DefaultQueue = "default";
    public const int Concurrency = 10;
    public const int MaxFetchBatch = 100;
    public const int MaxAttempts = 5;
    public const string Timeout = "5m";
    public const string HardTimeoutGrace = "5s";
    public const string Backoff = "1s";
    public const string MaxBackoff = "10m";
    public const string Retention = "24h";
}

/// <summary>An external dependency whose use is governed cluster-wide.</summary>
public sealed class ResourceOptions
{
    /// <summary>Most jobs needing it running at once across the cluster; unset for no limit.</summary>
    public int? Concurrency { get; set; }

    /// <summary>Most starts per window, such as <c>60/min</c>, <c>10/s</c> or <c>1000/1h</c>; unset for no limit.</summary>
    public string? Rate { get; set; }

    /// <summary>
    /// A token budget per window, such as <c>40000/min</c> (LLM tokens per minute, prompt and reply): admission reserves
    /// each job's estimate and the actual usage settles it. Unset for no budget.
    /// </summary>
    public string? Tokens { get; set; }

    public BreakerOptions? Breaker { get; set; }
}

/// <summary>A circuit breaker over a resource's transient failures.</summary>
public sealed class BreakerOptions
{
    /// <summary>Opens after this many transient failures within <see cref="Window"/>. Defaults to 5.</summary>
    public int Failures { get; set; } = 5;

    /// <summary>Or opens when this ratio (0–1) of attempts within <see cref="Window"/> failed, given <see cref="MinThroughput"/>; unset to use the count.</summary>
    public double? FailureRatio { get; set; }

    /// <summary>Least attempts in the window before the ratio counts. Defaults to 10.</summary>
    public int MinThroughput { get; set; } = 10;

    /// <summary>The sliding window failures are counted in. Defaults to 30s.</summary>
    public string Window { get; set; } = "30s";

    /// <summary>How long the breaker stays open before half-open probes. Defaults to 30s.</summary>
    public string OpenFor { get; set; } = "30s";

    /// <summary>Jobs let through at once while half-open. Defaults to 1.</summary>
    public int Probes { get; set; } = 1;
}

/// <summary>How a node runs jobs.</summary>
public sealed class ExecutionOptions
{
    /// <summary>How long a lease lasts without a heartbeat. Defaults to 30s.</summary>
    public string LeaseDuration { get; set; } = "30s";

    /// <summary>How often running leases are extended. Defaults to a third of the lease.</summary>
    public string? HeartbeatInterval { get; set; }

    /// <summary>How often an idle producer looks for work even without a wake-up. Defaults to 1s.</summary>
    public string PollInterval { get; set; } = "1s";

    /// <summary>On shutdown, how long in-flight jobs may run on before they are handed back. Defaults to 10s.</summary>
    public string ShutdownGrace { get; set; } = "10s";

    /// <summary>
    /// On shutdown, how long the node keeps serving HTTP with <c>/health/ready</c> answering 503 before it stops,
    /// so a load balancer takes it out of rotation first (set it to the balancer's check interval × fall count).
    /// Defaults to 0s.
    /// </summary>
    public string DrainDelay { get; set; } = "0s";
}

/// <summary>The leader's housekeeping.</summary>
public sealed class MaintenanceOptions
{
    /// <summary>How often due scheduled and retryable jobs are made available. Defaults to 1s.</summary>
    public string PromoteInterval { get; set; } = "1s";

    /// <summary>How often expired leases are rescued. Defaults to 5s.</summary>
    public string RescueInterval { get; set; } = "5s";

    /// <summary>How often finished jobs past retention are pruned. Defaults to 1m.</summary>
    public string PruneInterval { get; set; } = "1m";

    /// <summary>How long the leadership lasts without renewal. Defaults to 15s.</summary>
    public string LeaderTtl { get; set; } = "15s";

    /// <summary>How long a node stays in the registry without a heartbeat. Defaults to 30s.</summary>
    public string NodeTtl { get; set; } = "30s";
}

/// <summary>Input limits.</summary>
public sealed class LimitOptions
{
    /// <summary>Largest job arguments in bytes. Defaults to 1 MiB.</summary>
    public int MaxArgsBytes { get; set; } = 1 << 20;

    /// <summary>Most jobs in one batch submit. Defaults to 1000.</summary>
    public int MaxBatch { get; set; } = 1000;

    /// <summary>Longest <c>?wait=</c> on submit and on get. Defaults to 60s.</summary>
    public string MaxWait { get; set; } = "60s";
}
