namespace Escala.Storage;

/// <summary>
/// Discards finished jobs a user no longer wants to see (the dashboard's dead-jobs view): a discarded job is
/// deleted, as the pruner would delete it once its queue's retention ran out. Part of <see cref="IJobStore"/>,
/// kept in its own file; the conformance suite tests it on every driver.
/// </summary>
public interface IJobDiscardStore
{
    /// <summary>
    /// Deletes one final job (completed, cancelled or dead) of <paramref name="tenant"/>. A job not yet final is
    /// left as it is (<see cref="DiscardStatus.NotFinal"/>): cancel it first.
    /// </summary>
    Task<DiscardResult> DiscardAsync(string tenant, long id, CancellationToken ct);
}
