using Escala.Jobs;
using Escala.Workflows;

namespace Escala.Storage;

/// <summary>
/// Workflows: DAGs of jobs whose steps wait for their parents. A store implements it next to <see cref="IJobStore"/>;
/// the conformance suite tests both.
/// </summary>
/// <remarks>
/// Rules every driver keeps:
/// <list type="bullet">
/// <item>A waiting job keeps a counter of its unfinished parents; a parent (or spawned child) that completes
/// decrements it in the same transaction as its completion (<see cref="IJobStore.CompleteAsync"/>, job and
/// workflow cancels), and the job becomes available at zero. No step of it scans beyond the rows it touches.</item>
/// <item>A workflow job that ends dead or cancelled applies its workflow's <see cref="WorkflowFailurePolicy"/> in
/// that same transaction.</item>
/// <item>The workflow row counts its unfinished jobs; the statement that brings it to zero sets its final state,
/// the one place where a workflow ends.</item>
/// <item>Jobs of no workflow pay nothing for any of it beyond a null column.</item>
/// </list>
/// </remarks>
public interface IWorkflowStore
{
    /// <summary>Inserts the workflow and every step's job in one transaction: steps without parents available (or scheduled), the rest waiting.</summary>
    Task<Workflow> CreateWorkflowAsync(NewWorkflow workflow, DateTimeOffset now, CancellationToken ct);

    /// <summary>The workflow with its declared steps; null when unknown or another tenant's.</summary>
    Task<Workflow?> GetWorkflowAsync(string tenant, long id, CancellationToken ct);

    /// <summary>
    /// Cancels a running workflow: its waiting, scheduled, available and retryable jobs become cancelled, its running
    /// ones are asked to stop. Null when unknown; a final workflow is returned unchanged.
    /// </summary>
    Task<Workflow?> CancelWorkflowAsync(string tenant, long id, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Adds children to the running workflow job leased under <paramref name="lease"/>: each step that waits for the
    /// spawner now waits for every child too. Returns the children as stored, or null when the job is not running
    /// under that lease or is not part of a workflow (nothing changed).
    /// </summary>
    Task<IReadOnlyList<Job>?> SpawnAsync(LeaseRef lease, IReadOnlyList<NewJob> children, DateTimeOffset now, CancellationToken ct);

    /// <summary>The jobs <paramref name="jobId"/> waited for (declared parents and the children they spawned), by job id, a page at a time.</summary>
    Task<WorkflowParentPage> GetParentsAsync(string tenant, long jobId, long? after, int limit, CancellationToken ct);

    /// <summary>
    /// Calls <paramref name="onFinished"/> after commit with each workflow that reached its final state through this
    /// store instance (on one node only, the one whose write ended it). The hook for completion callbacks. It is told
    /// at most once: a node that stops between the commit and the call misses it, so a durable consumer also reads
    /// the workflows whose final state it has not handled (<see cref="Workflow.FinishedAt"/> is set with the state).
    /// </summary>
    IDisposable SubscribeWorkflowFinished(Action<long> onFinished);
}
