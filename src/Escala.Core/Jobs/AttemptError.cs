namespace Escala.Jobs;

/// <summary>Why one attempt of a job failed. Every failed attempt keeps one on the job.</summary>
/// <param name="Attempt">The attempt number (1-based) that failed.</param>
/// <param name="At">When the failure was recorded.</param>
/// <param name="Message">A short message; never the job's arguments.</param>
/// <param name="Kind">What sort of failure: see <see cref="FailureKinds"/>.</param>
public sealed record AttemptError(int Attempt, DateTimeOffset At, string Message, string Kind);

/// <summary>The kinds of failure an <see cref="AttemptError"/> records.</summary>
public static class FailureKinds
{
    /// <summary>A failure worth retrying: a timeout, HTTP 429 or 5xx, a transient exception.</summary>
    public const string Transient = "transient";

    /// <summary>A failure that retrying cannot fix; the job goes straight to <see cref="JobState.Dead"/>.</summary>
    public const string Permanent = "permanent";

    /// <summary>The attempt overran its timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The lease expired: the node or worker running it died or stalled.</summary>
    public const string LeaseExpired = "lease_expired";
}
