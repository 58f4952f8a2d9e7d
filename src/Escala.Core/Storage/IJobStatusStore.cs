using Escala.Jobs;

namespace Escala.Storage;

/// <summary>
/// Cheap reads of what watchers of a job care about (state, attempt, progress), never its arguments or
/// result, and wake-ups when jobs change on another node.
/// </summary>
public interface IJobStatusStore
{
    /// <summary>The status of one of a tenant's jobs; null when it does not exist for that tenant.</summary>
    Task<JobStatus?> GetStatusAsync(string tenant, long id, CancellationToken ct);

    /// <summary>The statuses of the jobs that exist among <paramref name="ids"/>, any tenant, in no particular order.</summary>
    Task<IReadOnlyList<JobStatus>> GetStatusesAsync(IReadOnlyList<long> ids, CancellationToken ct);

    /// <summary>
    /// Calls <paramref name="onChanged"/> when jobs may have changed on another node (PostgreSQL NOTIFY). A store
    /// whose every change happens in this process (SQLite) never calls it: the engine signals its own changes.
    /// Callers still poll slowly: a wake-up can be missed.
    /// </summary>
    IDisposable SubscribeChanged(Action onChanged);
}
