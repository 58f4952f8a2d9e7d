using Escala.Jobs;

namespace Escala.Storage;

/// <summary>
/// The one seam between the engine and a database. Every driver implements it and passes
/// the conformance suite in <c>tests/Escala.Storage.Conformance</c>. It is internal to this
/// repository: change it freely, but every change ships with a conformance test.
/// </summary>
/// <remarks>
/// Rules every driver keeps:
/// <list type="bullet">
/// <item>Every read and write of jobs is scoped by tenant where the method takes one.</item>
/// <item>A method that takes a <see cref="LeaseRef"/> changes the job only while it is running under that token.</item>
/// <item>A method returns only after its change is durable (committed and synced as the driver promises).</item>
/// <item>Instants are stored with at least millisecond precision.</item>
/// </list>
/// </remarks>
public interface IJobStore : IAsyncDisposable, IJobDiscardStore
{
    StoreCapabilities Capabilities { get; }

    /// <summary>Creates or upgrades the schema to the driver's latest version. Safe to call from many nodes at once.</summary>
    Task MigrateAsync(CancellationToken ct);

    /// <summary>True when the database answers.</summary>
    Task<bool> PingAsync(CancellationToken ct);

    // ---- jobs -----------------------------------------------------------------------------

    /// <summary>
    /// Inserts jobs, in order. A job whose (tenant, idempotency key) already exists, in the store or
    /// earlier in the same call, is not inserted: its result carries the existing job and <c>Created = false</c>.
    /// A job whose <see cref="NewJob.RunAt"/> is after <paramref name="now"/> starts <see cref="JobState.Scheduled"/>, else <see cref="JobState.Available"/>.
    /// </summary>
    Task<IReadOnlyList<InsertResult>> InsertAsync(IReadOnlyList<NewJob> jobs, DateTimeOffset now, CancellationToken ct);

    Task<Job?> GetAsync(string tenant, long id, CancellationToken ct);

    /// <summary>Jobs of one tenant, newest first, filtered, with a cursor for the next page.</summary>
    Task<JobPage> ListAsync(JobQuery query, CancellationToken ct);

    /// <summary>
    /// Leases up to <see cref="LeaseRequest.Max"/> available jobs of one queue, highest priority first, then
    /// oldest <see cref="Job.RunAt"/>, then lowest id. Each leased job becomes running, its attempt grows by one,
    /// and it gets a fresh lease token. Admission control (<see cref="LeaseRequest.Admission"/>) decides
    /// which jobs may start; jobs it holds back stay available and do not stop later jobs from being leased.
    /// A paused queue leases nothing. Two callers never lease the same job.
    /// </summary>
    Task<IReadOnlyList<Job>> LeaseAsync(LeaseRequest request, CancellationToken ct);

    /// <summary>Extends running leases; tells which leases are gone and which jobs were asked to cancel.</summary>
    Task<HeartbeatResult> HeartbeatAsync(IReadOnlyList<LeaseRef> leases, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Stores the latest progress of a running job. False when the lease is gone.</summary>
    Task<bool> SetProgressAsync(LeaseRef lease, string progress, CancellationToken ct);

    /// <summary>
    /// Applies outcomes to running jobs, in one transaction where the driver can. The result is aligned with
    /// <paramref name="completions"/>: false where the job was not running under that lease token (nothing changed).
    /// </summary>
    Task<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<Completion> completions, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Cancels a job: a scheduled, available or retryable job becomes cancelled at once; a running job is
    /// flagged <see cref="Job.CancelRequested"/> for its runner to stop; a final job is left as it is.
    /// </summary>
    Task<CancelResult> CancelAsync(string tenant, long id, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Makes a final job (completed, cancelled or dead) or a waiting one (scheduled, retryable) available now,
    /// granting one more attempt when it has none left. Running and available jobs are left as they are, and so is
    /// every workflow step (its workflow counts it once; see <see cref="IWorkflowStore"/>).
    /// </summary>
    Task<RetryResult> RetryAsync(string tenant, long id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Job counts by queue and state, all tenants when <paramref name="tenant"/> is null.</summary>
    Task<IReadOnlyList<QueueCounts>> CountByQueueAsync(string? tenant, CancellationToken ct);

    /// <summary>
    /// Counts of the jobs not yet final (scheduled, available, running, retryable) by queue, all tenants;
    /// only those four states are present. The metrics sampler calls it on every node every few seconds,
    /// so it must stay cheap however many finished jobs the store keeps (PostgreSQL reads only its partial
    /// indexes; SQLite one narrow index).
    /// </summary>
    Task<IReadOnlyList<QueueCounts>> CountActiveByQueueAsync(CancellationToken ct);

    // ---- queues ---------------------------------------------------------------------------

    Task SetQueuePausedAsync(string queue, bool paused, CancellationToken ct);

    Task<IReadOnlySet<string>> GetPausedQueuesAsync(CancellationToken ct);

    // ---- resources (governance) -------------------------------------------------------------

    /// <summary>Holds back every job needing <paramref name="resource"/> until <paramref name="until"/>, cluster-wide (breaker open, 429 Retry-After).</summary>
    Task PauseResourceAsync(string resource, DateTimeOffset until, string reason, CancellationToken ct);

    /// <summary>
    /// Ends the cluster-wide half-open state of <paramref name="resource"/>: a pause whose reason is
    /// <see cref="Governance.BreakerPause.Reason"/> and that expired by <paramref name="now"/> is marked
    /// <see cref="Governance.BreakerPause.ClosedReason"/>. A pause still in force, or any other pause, is left alone.
    /// Returns true when a half-open breaker was closed.
    /// </summary>
    Task<bool> CloseBreakerAsync(string resource, DateTimeOffset now, CancellationToken ct);

    /// <summary>What the store knows of each resource: jobs running and waiting, rate tokens, pauses.</summary>
    Task<IReadOnlyList<ResourceUsage>> GetResourceUsageAsync(DateTimeOffset now, CancellationToken ct);

    // ---- maintenance (the leader runs these) ------------------------------------------------

    /// <summary>Running jobs whose lease expired before <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<Job>> GetExpiredLeasesAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>Makes scheduled and retryable jobs whose time has come available. Returns how many.</summary>
    Task<int> PromoteDueAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>Deletes final jobs that finished before their queue's cutoff. Returns how many.</summary>
    Task<int> PruneAsync(PruneRequest request, CancellationToken ct);

    /// <summary>Takes or renews the maintenance leadership for <paramref name="ttl"/>. True while this node leads.</summary>
    Task<bool> TryLeadAsync(string nodeId, TimeSpan ttl, DateTimeOffset now, CancellationToken ct);

    /// <summary>Gives up the leadership if this node holds it, so another node can take over at once.</summary>
    Task ResignAsync(string nodeId, CancellationToken ct);

    // ---- nodes --------------------------------------------------------------------------------

    /// <summary>Records that a node is alive (insert or update), with its role and when it last beat.</summary>
    Task BeatNodeAsync(NodeInfo node, CancellationToken ct);

    /// <summary>Nodes that beat at or after <paramref name="aliveSince"/>; older ones are deleted.</summary>
    Task<IReadOnlyList<NodeInfo>> ListNodesAsync(DateTimeOffset aliveSince, CancellationToken ct);

    Task RemoveNodeAsync(string nodeId, CancellationToken ct);

    // ---- wake-ups -------------------------------------------------------------------------------

    /// <summary>
    /// Calls <paramref name="onQueue"/> with a queue's name when jobs may have become available in it
    /// (insert, promotion, retry, a lease given back) on this node, or on any node when
    /// <see cref="StoreCapabilities.SupportsNotify"/>. Callers still poll slowly: a wake-up can be missed.
    /// </summary>
    IDisposable SubscribeAvailable(Action<string> onQueue);
}
