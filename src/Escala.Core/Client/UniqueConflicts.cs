using Escala.Jobs;
using Escala.Storage;

namespace Escala.Client;

/// <summary>
/// Submits a call with unique jobs through <see cref="IUniqueJobStore"/> and turns a refusal into a
/// <see cref="JobRequestFault.Conflict"/> (HTTP 409) naming, for each refused job, the job that holds its key.
/// </summary>
public static class UniqueConflicts
{
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
