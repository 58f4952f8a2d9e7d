using Escala.Governance;
using Escala.Jobs;

namespace Escala.Storage;

/// <summary>The outcome of inserting one job.</summary>
/// <param name="Job">The new job, or the existing one with the same idempotency key.</param>
/// <param name="Created">False when an existing job was returned instead.</param>
public sealed record InsertResult(Job Job, bool Created);

/// <summary>A filter over one tenant's jobs, newest first.</summary>
public sealed record JobQuery
{
    public required string Tenant { get; init; }
    public string? Queue { get; init; }
    public JobState? State { get; init; }
    public string? Kind { get; init; }

    /// <summary>Only the job with this idempotency key (at most one per tenant).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Only jobs with an id below this one (the previous page's <see cref="JobPage.NextCursor"/>).</summary>
    public long? Before { get; init; }

    public int Limit { get; init; } = 50;
}

/// <param name="NextCursor">Pass as <see cref="JobQuery.Before"/> for the next page; null on the last page.</param>
public sealed record JobPage(IReadOnlyList<Job> Jobs, long? NextCursor);

/// <summary>One lease call for one queue.</summary>
public sealed record LeaseRequest
{
    public required string Queue { get; init; }

    /// <summary>Only this tenant's jobs (an external worker acting for one tenant); null for every tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>The node or external worker that will hold the leases.</summary>
    public required string Holder { get; init; }

    /// <summary>Most jobs to lease; the caller's free slots.</summary>
    public required int Max { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>How long the lease lasts without a heartbeat.</summary>
    public required TimeSpan LeaseFor { get; init; }

    /// <summary>The limits to apply; <see cref="Admission.None"/> admits everything.</summary>
    public Admission Admission { get; init; } = Admission.None;

    /// <summary>
    /// Only jobs of these kinds (a node: the kinds it has handlers for; an external worker: the kinds it asked
    /// for); null leases every kind. Jobs of other kinds stay available and do not stop later jobs from being leased.
    /// </summary>
    public IReadOnlyList<string>? Kinds { get; init; }
}

/// <summary>Per-lease outcome of a heartbeat.</summary>
/// <param name="Lost">Leases that are no longer held (job rescued, finished, or token changed): stop working on them.</param>
/// <param name="CancelRequested">Leased jobs a user asked to cancel: stop them and report them cancelled.</param>
public sealed record HeartbeatResult(IReadOnlyList<long> Lost, IReadOnlyList<long> CancelRequested)
{
    public static HeartbeatResult Empty { get; } = new([], []);
}

/// <summary>The outcome of one attempt, applied to a running job under its lease.</summary>
public sealed record Completion(LeaseRef Lease, JobOutcome Outcome);

/// <summary>What happened to an attempt, and so what happens to the job.</summary>
public abstract record JobOutcome
{
    private JobOutcome() { }

    /// <summary>The job completed with a result (JSON text, or null).</summary>
    public sealed record Succeeded(string? Result) : JobOutcome;

    /// <summary>The attempt failed. With <paramref name="RetryAt"/> the job becomes retryable, else dead.</summary>
    public sealed record Failed(AttemptError Error, DateTimeOffset? RetryAt) : JobOutcome;

    /// <summary>The job was cancelled while running.</summary>
    public sealed record Cancelled(string Reason) : JobOutcome;

    /// <summary>
    /// The job goes back to waiting without using up the attempt (shutdown hand-back, or the dependency asked
    /// to come back later): it becomes available, or scheduled when <paramref name="RunAt"/> is in the future.
    /// A job a user asked to cancel while it ran becomes cancelled instead.
    /// </summary>
    public sealed record Released(DateTimeOffset RunAt, string Reason) : JobOutcome;
}

public enum CancelStatus
{
    NotFound,

    /// <summary>The job was waiting and is now cancelled.</summary>
    Cancelled,

    /// <summary>The job is running; its runner was asked to stop.</summary>
    Requested,

    /// <summary>The job was already final; nothing changed.</summary>
    AlreadyFinal,
}

public sealed record CancelResult(CancelStatus Status, Job? Job);

public enum RetryStatus
{
    NotFound,
    Retried,

    /// <summary>The job is running or already available; nothing changed.</summary>
    NotRetryable,
}

public sealed record RetryResult(RetryStatus Status, Job? Job);

/// <summary>Job counts of one queue by state (every state asked for is present, zero where none).</summary>
public sealed record QueueCounts(string Queue, IReadOnlyDictionary<JobState, long> Counts)
{
    public long this[JobState state] => Counts.TryGetValue(state, out var n) ? n : 0;
}

/// <summary>Which final jobs to delete.</summary>
/// <param name="DefaultCutoff">Final jobs that finished before this are deleted…</param>
/// <param name="QueueCutoffs">…unless their queue has its own cutoff here.</param>
/// <param name="Limit">Most rows to delete in one call.</param>
public sealed record PruneRequest(DateTimeOffset DefaultCutoff, IReadOnlyDictionary<string, DateTimeOffset> QueueCutoffs, int Limit);

/// <summary>A node of the cluster as the registry knows it.</summary>
public sealed record NodeInfo(string Id, string Role, string Host, DateTimeOffset StartedAt, DateTimeOffset LastBeatAt, bool Leader);

/// <summary>What the store knows of one resource now.</summary>
/// <param name="Running">Jobs needing it that are running, cluster-wide.</param>
/// <param name="Waiting">Jobs needing it that are available but not running.</param>
/// <param name="Tokens">Rate tokens left at the last refill; null when no rate state exists.</param>
/// <param name="PausedUntil">Held back until then (breaker open, 429); null when not paused.</param>
public sealed record ResourceUsage(string Name, long Running, long Waiting, double? Tokens, DateTimeOffset? PausedUntil, string? PauseReason);
