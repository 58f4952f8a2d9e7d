using Escala.Jobs;
using Escala.Storage;

namespace Escala.Client;

/// <summary>
/// Submits a call with unique jobs through <see cref="IUniqueJobStore"/> and turns a refusal into a
/// <see cref="JobRequestFault.Conflict"/> (HTTP 409) naming, for each refused job, the job that holds its key.
/// </summary>
public static class UniqueConflicts
{
    /// <summary>
    /// Inserts the jobs: unique jobs and jobs with a callback with their key or outbox row in one transaction
    /// (<see cref="InsertAsync"/>), the rest through the usual <see cref="IJobStore.InsertAsync"/> (no extra query).
    /// </summary>
    public static Task<IReadOnlyList<InsertResult>> InsertAnyAsync(IJobStore store, IReadOnlyList<NewJob> jobs, DateTimeOffset now, string fieldPrefix,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(jobs);
        for (var i = 0; i < jobs.Count; i++)
        {
            if (jobs[i].UniqueKey is not null || jobs[i].CallbackUrl is not null)
            {
                return InsertAsync(store, jobs, now, fieldPrefix, ct);
            }
        }

        return store.InsertAsync(jobs, now, ct);
    }

    public static async Task<IReadOnlyList<InsertResult>> InsertAsync(IJobStore store, IReadOnlyList<NewJob> jobs, DateTimeOffset now, string fieldPrefix,
        CancellationToken ct)
    {
        var unique = store as IUniqueJobStore ?? throw new NotSupportedException("This store does not support unique jobs.");
        var result = await unique.InsertUniqueAsync(jobs, now, ct);
        if (result.Results is { } results)
        {
            return results;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var conflict in result.Conflicts)
        {
            var prefix = fieldPrefix.Length == 0 ? "" : $"{fieldPrefix}[{conflict.Index}].";
            errors[prefix + "unique.key"] = [conflict.Holder is { } holder
                ? $"Job {holder.Id} ({holder.State.ToWire()}) holds this unique key."
                : $"{fieldPrefix}[{conflict.HolderIndex}] in the same batch has this unique key."];
        }

        throw new JobValidationException(JobRequestFault.Conflict, "Unique key taken", errors);
    }
}
