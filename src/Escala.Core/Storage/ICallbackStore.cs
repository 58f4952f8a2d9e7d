using Escala.Jobs;

namespace Escala.Storage;

/// <summary>
/// The outbox of completion callbacks. A job submitted with <c>callback.url</c> gets its row in the insert's transaction
/// (<see cref="IUniqueJobStore.InsertUniqueAsync"/>); any other caller (a workflow's final state) adds one with its own
/// payload. A row is due when its next attempt has come and it has a payload or its job is final; the leader's
/// dispatcher POSTs it and records the outcome. Implemented by every driver and covered by the conformance suite.
/// </summary>
public interface ICallbackStore
{
    /// <summary>Adds a callback that is due at once with <paramref name="payload"/> (JSON); returns its id.</summary>
    Task<long> AddCallbackAsync(string tenant, string url, string payload, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Callbacks neither delivered nor failed whose next attempt is at or before <paramref name="now"/> and that have a
    /// payload, or whose job is final (with that job), or whose job no longer exists (<see cref="PendingCallback.JobGone"/>); oldest first.
    /// </summary>
    Task<IReadOnlyList<PendingCallback>> DueCallbacksAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>Records an attempt: delivered, failed for good, or to be tried again at <see cref="CallbackAttempt.NextAttemptAt"/>.</summary>
    Task RecordCallbackAsync(CallbackAttempt attempt, CancellationToken ct);

    /// <summary>The callbacks of one job of <paramref name="tenant"/>, oldest first.</summary>
    Task<IReadOnlyList<CallbackStatus>> CallbacksOfJobAsync(string tenant, long jobId, CancellationToken ct);
}

/// <summary>A due callback: its payload when it has one, else its final job to build it from.</summary>
public sealed record PendingCallback(long Id, string Tenant, string Url, string? Payload, int Attempts, Job? Job, bool JobGone);

/// <summary>
/// The outcome of one attempt of callback <paramref name="Id"/>: <paramref name="DeliveredAt"/> set when delivered,
/// <paramref name="FailedAt"/> when given up, else <paramref name="NextAttemptAt"/>. <paramref name="Payload"/> is the body
/// sent, kept so retries send the same bytes.
/// </summary>
public sealed record CallbackAttempt(long Id, int Attempts, string? Payload, DateTimeOffset? DeliveredAt, DateTimeOffset? FailedAt,
    DateTimeOffset? NextAttemptAt, string? LastError);

/// <summary>A callback as stored.</summary>
public sealed record CallbackStatus(long Id, string Url, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt,
    DateTimeOffset? FailedAt, string? LastError);
