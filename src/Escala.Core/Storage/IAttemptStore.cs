using Escala.Jobs;

namespace Escala.Storage;

/// <summary>
/// What the attempt lifecycle needs of a store beyond <see cref="IJobStore"/>: finding attempts that overran
/// their hard deadline, wherever they run (an external worker that went silent, a wedged node).
/// </summary>
public interface IAttemptStore
{
    /// <summary>
    /// Running jobs whose attempt started more than its timeout plus its queue's grace before
    /// <see cref="OverdueQuery.Now"/>, oldest attempt first. The timeout is the job's own, else its queue's.
    /// </summary>
    Task<IReadOnlyList<Job>> GetOverdueAsync(OverdueQuery query, CancellationToken ct);
}

/// <summary>The time limits of attempts, by queue.</summary>
/// <param name="Default">For queues not named in <paramref name="Queues"/>.</param>
/// <param name="Limit">Most jobs to return.</param>
public sealed record OverdueQuery(DateTimeOffset Now, AttemptLimit Default, IReadOnlyDictionary<string, AttemptLimit> Queues, int Limit);

/// <summary>A queue's soft timeout (used when the job has none of its own) and its hard-timeout grace.</summary>
public readonly record struct AttemptLimit(TimeSpan Timeout, TimeSpan Grace);
