using Escala.Configuration;
using Escala.Jobs;

namespace Escala.Execution.Attempts;

/// <summary>The time limits of one attempt.</summary>
/// <param name="Timeout">The soft timeout: the job's own, else its queue's.</param>
/// <param name="Deadline">When the attempt should stop (soft timeout); null before it started.</param>
/// <param name="HardDeadline">
/// <paramref name="Deadline"/> plus the queue's hard-timeout grace: past it the engine fails the attempt
/// itself (failure kind <c>timeout</c>) and frees its slot.
/// </param>
public sealed record AttemptDeadlines(TimeSpan Timeout, TimeSpan HardTimeout, DateTimeOffset? Deadline, DateTimeOffset? HardDeadline)
{
    public static AttemptDeadlines For(Job job, QueueSettings queue)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(queue);
        var timeout = job.Timeout ?? queue.Timeout;
        var hard = timeout + queue.HardTimeoutGrace;
        return job.AttemptedAt is { } started
            ? new AttemptDeadlines(timeout, hard, Add(started, timeout), Add(started, hard))
            : new AttemptDeadlines(timeout, hard, null, null);
    }

    private static DateTimeOffset Add(DateTimeOffset at, TimeSpan span) =>
        span >= DateTimeOffset.MaxValue - at ? DateTimeOffset.MaxValue : at + span;
}
