using Escala.Configuration;
using Escala.Jobs;

namespace Escala.Governance;

/// <summary>Exponential backoff with jitter: base × 2^(attempt−1), capped, then ±20 %.</summary>
public static class RetryPolicy
{
    private const double Jitter = 0.2;

    /// <summary>The wait before the attempt after <paramref name="attempt"/> (1-based) failed.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var raw = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        var jittered = raw * (1 - Jitter + (2 * Jitter * random));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }

    /// <summary>
    /// When the job's next attempt may start after the current one failed, or null when it must not
    /// (a permanent failure, or no attempts left). A dependency's <paramref name="retryAfter"/> wins over a shorter backoff.
    /// </summary>
    public static DateTimeOffset? NextAttemptAt(Job job, QueueOptions queue, DateTimeOffset now, bool permanent, TimeSpan? retryAfter, double random)
    {
        if (permanent || job.Attempt >= job.MaxAttempts)
        {
            return null;
        }

        var backoff = Backoff(job.Attempt, job.Backoff ?? queue.Backoff, queue.MaxBackoff, random);
        if (retryAfter is { } wait && wait > backoff)
        {
            backoff = wait;
        }

        return now + backoff;
    }
}
