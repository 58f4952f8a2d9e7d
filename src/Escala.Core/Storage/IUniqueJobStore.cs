using Escala.Jobs;

namespace Escala.Storage;

/// <summary>
/// Inserts jobs some of which ask to be unique (<see cref="NewJob.UniqueKey"/>): a key is taken while the job holding it
/// waits or runs, and for <see cref="NewJob.UniqueFor"/> after it finished (a holder deleted by pruning or discard frees
/// it). Only submits with a unique job come here, so every other insert costs no unique check. Implemented by every
/// driver and covered by the conformance suite.
/// </summary>
public interface IUniqueJobStore
{
    /// <summary>
    /// In one transaction: finds the jobs whose unique key is taken (by a stored job, or by an earlier job of the same call).
    /// When any of them refuses (<see cref="NewJob.UniqueReturnsExisting"/> false) nothing is written and the result carries
    /// only the conflicts. Otherwise every other job is inserted as <see cref="IJobStore.InsertAsync"/> does, each taken one
    /// gets its holder (<c>Created = false</c>), and each created unique job holds its key. A job whose idempotency key
    /// already names the holder is the same submit again: it gets that job, not a conflict. Two concurrent calls with the
    /// same key never both create a job. Each created job with a <see cref="NewJob.CallbackUrl"/> gets its
    /// <see cref="ICallbackStore"/> row in the same transaction.
    /// </summary>
    Task<UniqueInsertResult> InsertUniqueAsync(IReadOnlyList<NewJob> jobs, DateTimeOffset now, CancellationToken ct);
}

/// <summary>The results aligned with the jobs (null when refused), and the jobs whose key was taken.</summary>
public sealed record UniqueInsertResult(IReadOnlyList<InsertResult>? Results, IReadOnlyList<UniqueConflict> Conflicts);

/// <summary>Job <paramref name="Index"/> of the call found its key taken by <paramref name="Holder"/> (null: by job <paramref name="HolderIndex"/> of the same call).</summary>
public sealed record UniqueConflict(int Index, Job? Holder, int HolderIndex = -1);
