using Escala.Storage;

namespace Escala.Jobs;

/// <summary>The unique-key rules every driver applies (pure): which jobs of a call find their key taken, and whether the call is refused.</summary>
public static class UniqueJobs
{
    /// <summary>
    /// The conflicts of a call, given the stored job holding each job's key (<paramref name="storedHolder"/>, null when free).
    /// A stored holder with the job's own idempotency key is the same submit again, not a conflict; a key taken by an
    /// earlier job of the same call is a conflict with that job.
    /// </summary>
    public static IReadOnlyList<UniqueConflict> Conflicts(IReadOnlyList<NewJob> jobs, Func<int, Job?> storedHolder)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(storedHolder);
        var conflicts = new List<UniqueConflict>();
        var firstInCall = new Dictionary<(string Tenant, string Key), int>();
        for (var i = 0; i < jobs.Count; i++)
        {
            if (jobs[i].UniqueKey is not { } key)
            {
                continue;
            }

            if (storedHolder(i) is { } holder)
            {
                if (jobs[i].IdempotencyKey is null || holder.IdempotencyKey != jobs[i].IdempotencyKey)
                {
                    conflicts.Add(new UniqueConflict(i, holder));
                }
            }
            else if (firstInCall.TryGetValue((jobs[i].Tenant, key), out var first))
            {
                conflicts.Add(new UniqueConflict(i, null, first));
            }
            else
            {
                firstInCall.Add((jobs[i].Tenant, key), i);
            }
        }

        return conflicts;
    }

    /// <summary>True when a conflict refuses the whole call: its job refuses, or its key is taken within the call.</summary>
    public static bool Refuses(IReadOnlyList<NewJob> jobs, IReadOnlyList<UniqueConflict> conflicts)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(conflicts);
        return conflicts.Any(c => c.Holder is null || !jobs[c.Index].UniqueReturnsExisting);
    }

    /// <summary>The jobs of a call that are not in <paramref name="conflicts"/>, with their indexes.</summary>
    public static (List<NewJob> Jobs, List<int> Indexes) Free(IReadOnlyList<NewJob> jobs, IReadOnlyList<UniqueConflict> conflicts)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(conflicts);
        var taken = conflicts.Select(c => c.Index).ToHashSet();
        var free = (Jobs: new List<NewJob>(jobs.Count), Indexes: new List<int>(jobs.Count));
        for (var i = 0; i < jobs.Count; i++)
        {
            if (!taken.Contains(i))
            {
                free.Jobs.Add(jobs[i]);
                free.Indexes.Add(i);
            }
        }

        return free;
    }

    /// <summary>The call's results: the inserted jobs' in their places, each taken job's holder elsewhere.</summary>
    public static InsertResult[] Merge(int count, IReadOnlyList<int> freeIndexes, IReadOnlyList<InsertResult> inserted, IReadOnlyList<UniqueConflict> conflicts)
    {
        ArgumentNullException.ThrowIfNull(freeIndexes);
        ArgumentNullException.ThrowIfNull(inserted);
        ArgumentNullException.ThrowIfNull(conflicts);
        var results = new InsertResult[count];
        for (var k = 0; k < freeIndexes.Count; k++)
        {
            results[freeIndexes[k]] = inserted[k];
        }

        foreach (var conflict in conflicts)
        {
            results[conflict.Index] = new InsertResult(conflict.Holder!, Created: false);
        }

        return results;
    }
}
