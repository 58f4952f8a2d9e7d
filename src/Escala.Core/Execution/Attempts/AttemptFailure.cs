using Escala.Jobs;

namespace Escala.Execution.Attempts;

/// <summary>What went wrong in one attempt, before the retry policy decides what becomes of the job.</summary>
/// <param name="Message">A short message, never the job's arguments; capped at <see cref="AttemptDefaults.MaxErrorLength"/>.</param>
/// <param name="Kind">One of <see cref="FailureKinds"/>.</param>
/// <param name="RetryAfter">The next attempt starts no earlier than this (capped at <see cref="AttemptDefaults.MaxRetryAfter"/>).</param>
/// <param name="Throttled">
/// The dependency refused with 429/Retry-After: every resource the job needs pauses cluster-wide for
/// <paramref name="RetryAfter"/>.
/// </param>
public sealed record AttemptFailure(string Message, string Kind, TimeSpan? RetryAfter = null, bool Throttled = false)
{
    /// <summary>True when the failure says something about the job's dependencies: it counts against their breakers.</summary>
    public bool CountsForBreaker => Kind is FailureKinds.Transient or FailureKinds.Timeout;

    /// <summary>No retry can fix it: the job goes dead at once.</summary>
    public bool Permanent => Kind == FailureKinds.Permanent;

    public static AttemptFailure Transient(string message, TimeSpan? retryAfter = null, bool throttled = false) =>
        new(message, FailureKinds.Transient, retryAfter, throttled);

    public static AttemptFailure PermanentFailure(string message) => new(message, FailureKinds.Permanent);

    public static AttemptFailure Timeout(string message) => new(message, FailureKinds.Timeout);

    public static AttemptFailure LeaseExpired(string message) => new(message, FailureKinds.LeaseExpired);
}
