namespace Escala.Telemetry;

/// <summary>Names of Escala's meter, instruments and tags: one place, so dashboards and alerts can rely on them.</summary>
public static class EscalaMeter
{
    public const string Name = "Escala";

    public const string JobsSubmitted = "escala.jobs.submitted";
    public const string JobsCompleted = "escala.jobs.completed";
    public const string JobsFailed = "escala.jobs.failed";
    public const string JobsRetried = "escala.jobs.retried";
    public const string JobsDead = "escala.jobs.dead";
    public const string JobsRescued = "escala.jobs.rescued";
    public const string JobDuration = "escala.job.duration";
    public const string LeaseLatency = "escala.job.lease_latency";
    public const string JobsRunning = "escala.jobs.running";
    public const string QueueDepth = "escala.queue.depth";
    public const string ResourceInUse = "escala.resource.in_use";
    public const string ResourceWaiting = "escala.resource.waiting";
    public const string BreakerState = "escala.breaker.state";
    public const string BreakerTransitions = "escala.breaker.transitions";
    public const string Nodes = "escala.nodes";
    public const string BreakerStatus = "escala.breaker.status";
    public const string ResourceLimit = "escala.resource.limit";
    public const string ResourcePaused = "escala.resource.paused";
    public const string StoreUp = "escala.store.up";

    /// <summary>The breaker states as metrics name them (label <c>state</c> of <see cref="BreakerStatus"/>, <c>to</c> of <see cref="BreakerTransitions"/>).</summary>
    public static IReadOnlyList<string> BreakerStates { get; } = ["closed", "open", "half_open"];

    public const string TagQueue = "queue";
    public const string TagKind = "kind";
    public const string TagState = "state";
    public const string TagResource = "resource";
    public const string TagTo = "to";
}
